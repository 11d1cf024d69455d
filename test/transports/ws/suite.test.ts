import type { AddressInfo } from "node:net";
import { describe, it } from "vitest";
import { WebSocket } from "ws";
import { runTransportSuite, type SuiteSocket } from "../../../src/testing/index.js";
import { serve } from "../../../src/transports/ws/index.js";

/** A client frame without the mask every client frame must carry: the server's socket errors. */
const UNMASKED_TEXT_FRAME = Buffer.from([0x81, 0x01, 0x61]);

runTransportSuite({
  name: "transport conformance: botwire/ws",
  describe,
  it,
  skip: it.skip,
  fixture: {
    async start(bot, { helloTimeoutMs }) {
      const handle = serve(bot, { port: 0, host: "127.0.0.1", helloTimeoutMs, heartbeatMs: 0 });
      await handle.ready;
      const { port } = handle.address() as AddressInfo;
      const sockets: WebSocket[] = [];
      return {
        async connect(): Promise<SuiteSocket> {
          const ws = new WebSocket(`ws://127.0.0.1:${port}`);
          sockets.push(ws);
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
            ws.once("close", () => reject(new Error("closed before open")));
          });
          return {
            send: (frame) => ws.send(frame),
            sendBinary: () => ws.send(Buffer.from([1, 2, 3]), { binary: true }),
            pause: () => ws.pause(),
            received,
            closed,
            close: () => ws.close(1000),
            break: () => {
              const tcp = (ws as unknown as { _socket: import("node:net").Socket })._socket;
              tcp.write(UNMASKED_TEXT_FRAME);
            },
          };
        },
        async close() {
          for (const ws of sockets) ws.terminate();
          await handle.close();
        },
      };
    },
  },
});
