import type { Socket } from "node:net";
import { WebSocket } from "ws";
import type { SuiteSocket } from "../../src/testing/index.js";

/** A client frame without the mask every client frame must carry: the server's socket errors. */
const UNMASKED_TEXT_FRAME = Buffer.from([0x81, 0x01, 0x61]);

/**
 * Opens a `ws` client as the transport conformance suite drives it (pause: `ws.pause()`;
 * break: an unmasked frame); resolves once open, rejects with the HTTP status of a refusal.
 */
export async function connectWs(
  url: string,
  headers: Record<string, string> = {},
): Promise<SuiteSocket & { ws: WebSocket }> {
  const ws = new WebSocket(url, { headers });
  const received: string[] = [];
  const closed = new Promise<number>((resolve) => ws.once("close", resolve));
  ws.on("error", () => {
    // A broken or refused connection ends in 'close', which the cases await.
  });
  ws.on("message", (data, isBinary) => {
    if (!isBinary) received.push(data.toString());
  });
  await new Promise<void>((resolve, reject) => {
    ws.once("open", resolve);
    ws.once("unexpected-response", (_req, res) =>
      reject(Object.assign(new Error(`refused: ${res.statusCode}`), { status: res.statusCode })),
    );
    ws.once("close", () => reject(new Error("closed before open")));
  });
  return {
    ws,
    send: (frame) => ws.send(frame),
    sendBinary: () => ws.send(Buffer.from([1, 2, 3]), { binary: true }),
    pause: () => ws.pause(),
    received,
    closed,
    close: () => ws.close(1000),
    break: () => (ws as unknown as { _socket: Socket })._socket.write(UNMASKED_TEXT_FRAME),
  };
}
