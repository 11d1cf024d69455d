import type { AddressInfo } from "node:net";
import { type WebSocket, WebSocketServer } from "ws";
import { BotClient, type BotClientOptions } from "../../src/client/node.js";
import { until } from "./helpers.js";

/** A frame the client sent, with the index of the connection it came on. */
export type Received = Record<string, unknown> & { type: string; conn: number };

export const ALL_FEATURES = ["stream", "cancel", "activity", "edit"];

/**
 * A raw WebSocket server that speaks protocol v1 only as far as the test scripts it: it
 * welcomes every hello (resuming its one session), records every frame the client sends,
 * and sends exactly the frames the test gives it.
 */
export async function scriptedServer(options: { features?: string[] } = {}) {
  const wss = new WebSocketServer({ port: 0, host: "127.0.0.1" });
  await new Promise((resolve) => wss.once("listening", resolve));
  const sockets: WebSocket[] = [];
  const received: Received[] = [];
  const session = "session-1";
  wss.on("connection", (socket) => {
    const conn = sockets.push(socket) - 1;
    socket.on("message", (raw) => {
      const frame = JSON.parse(String(raw)) as Received;
      received.push({ ...frame, conn });
      if (frame.type !== "hello") return;
      const welcome: Record<string, unknown> = {
        type: "welcome",
        v: 1,
        session,
        resumed: frame.session === session,
        seq: 0,
      };
      if (options.features !== undefined) welcome.features = options.features;
      socket.send(JSON.stringify(welcome));
    });
  });
  const { port } = wss.address() as AddressInfo;
  const server = {
    url: `ws://127.0.0.1:${port}`,
    sockets,
    received,
    /** Sends frames (objects are JSON-encoded, strings go as they are) on the newest connection. */
    send(...frames: Array<object | string>) {
      const socket = sockets.at(-1);
      if (socket === undefined) throw new Error("no connection");
      for (const frame of frames) {
        socket.send(typeof frame === "string" ? frame : JSON.stringify(frame));
      }
    },
    /** Cuts the newest connection without a close handshake. */
    cut() {
      sockets.at(-1)?.terminate();
    },
    /** The frames of one type the client sent, in order. */
    frames(type: string): Received[] {
      return received.filter((frame) => frame.type === type);
    },
    /** Waits for the n-th (1-based) client frame of a type and returns it. */
    async nth(type: string, n = 1): Promise<Received> {
      await until(() => server.frames(type).length >= n, `${type} frame #${n}`);
      return server.frames(type)[n - 1] as Received;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.terminate();
        wss.close(() => resolve());
      }),
  };
  return server;
}

export type ScriptedServer = Awaited<ReturnType<typeof scriptedServer>>;

/** A client of a scripted server with short reconnect delays, connected. */
export async function connectedClient(server: ScriptedServer, options: BotClientOptions = {}) {
  const client = new BotClient(server.url, {
    reconnect: { initialDelayMs: 5, maxDelayMs: 20 },
    ...options,
  });
  await client.connect();
  return client;
}

/** Records a client's events, in order, as `[name, payload]`. */
export function recorder(client: BotClient) {
  const events: Array<[string, unknown]> = [];
  for (const name of ["message", "stream", "delta", "activity", "edit", "retract", "confirmed"]) {
    client.on(name as "message", (payload: unknown) => events.push([name, payload]));
  }
  return {
    events,
    of<T = Record<string, unknown>>(name: string): T[] {
      return events.filter(([n]) => n === name).map(([, payload]) => payload as T);
    },
  };
}
