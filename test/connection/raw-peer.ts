import type { Bot } from "../../src/bot/bot.js";
import type { Context } from "../../src/core/context.js";
import type {
  ConnectionInfo,
  ConnectionListener,
  TransportHost,
} from "../../src/core/transport.js";
import { until } from "../helpers/until.js";

/** A frame as the server wrote it. */
export type RawFrame = Record<string, unknown> & { type: string };

/** One connection held in memory, driven frame by frame (no transport in between). */
export interface RawPeer {
  /** The bot's side of the connection. */
  readonly listener: ConnectionListener;
  /** Frames written to the connection, parsed, in order. */
  readonly frames: RawFrame[];
  /** How the server closed the connection, if it did. */
  closed: { code: number; reason: string } | undefined;
  /** What `bufferedAmount` reports (a socket that does not read). */
  buffered: number;
  /** Sends a frame (an object is JSON-encoded). */
  send(frame: string | object): void;
  /** Frames of one type. */
  of(type: string): RawFrame[];
  /** Sends `hello` (with `fields`) and waits for the welcome and the connect update. */
  hello(fields?: object): Promise<RawFrame>;
}

/** How a raw connection opens. */
export interface OpenOptions {
  /** Connection info fields (remote address, headers, a user known from the upgrade). */
  info?: Partial<ConnectionInfo>;
  /** The transport's hello timeout for this connection. */
  helloTimeoutMs?: number;
  /** The socket's close() throws (it is already gone). */
  closeThrows?: boolean;
}

/** Starts `bot` on a transport of its own that only keeps the bot's host. */
export async function startOnHost<C extends Context>(bot: Bot<C>): Promise<TransportHost> {
  let host: TransportHost | undefined;
  await bot.start({
    listen(h) {
      host = h;
    },
    close() {},
  });
  if (host === undefined) throw new Error("the bot did not listen");
  return host;
}

/** Starts `bot` on a transport of its own and returns a function that opens connections. */
export async function rawHost<C extends Context>(bot: Bot<C>) {
  const host = await startOnHost(bot);
  let next = 0;
  return (options: OpenOptions = {}): RawPeer => {
    const id = `raw-${++next}`;
    const peer: RawPeer = {
      listener: undefined as unknown as ConnectionListener,
      frames: [],
      closed: undefined,
      buffered: 0,
      send(frame) {
        peer.listener.message(typeof frame === "string" ? frame : JSON.stringify(frame));
      },
      of: (type) => peer.frames.filter((f) => f.type === type),
      async hello(fields = {}) {
        peer.send({ type: "hello", ...fields });
        await until(() => peer.of("welcome").length > 0 || peer.closed !== undefined, "welcome");
        // The connect update runs after the welcome, in the same queued task.
        await until(() => !(peer.listener as unknown as { busy: boolean }).busy, "connect update");
        return peer.of("welcome")[0] as RawFrame;
      },
    };
    const listener = host.open(
      {
        id,
        info: { remoteAddress: "127.0.0.1", origin: undefined, headers: {}, ...options.info },
        get bufferedAmount() {
          return peer.buffered;
        },
        send(raw) {
          peer.frames.push(JSON.parse(raw) as RawFrame);
        },
        close(code, reason) {
          peer.closed = { code, reason };
          if (options.closeThrows) throw new Error("socket already gone");
        },
      },
      options.helloTimeoutMs === undefined ? undefined : { helloTimeoutMs: options.helloTimeoutMs },
    );
    (peer as { listener: ConnectionListener }).listener = listener;
    return peer;
  };
}
