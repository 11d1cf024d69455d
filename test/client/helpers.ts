import type { AddressInfo } from "node:net";
import { WebSocket } from "ws";
import type { WebSocketConstructor, WebSocketLike } from "../../src/client/node.js";
import type { Bot, Context } from "../../src/index.js";
import { type ServeHandle, serve } from "../../src/transports/ws/index.js";

/** A bot served on 127.0.0.1 that can be stopped and started again on the same port. */
export interface Served {
  url: string;
  port: number;
  handle: ServeHandle;
  stop(): Promise<void>;
  restart(): Promise<void>;
}

export async function serveBot<C extends Context>(bot: Bot<C>, port = 0): Promise<Served> {
  let handle = serve(bot, { port, host: "127.0.0.1", heartbeatMs: 0 });
  await handle.ready;
  const actual = (handle.address() as AddressInfo).port;
  const served: Served = {
    url: `ws://127.0.0.1:${actual}`,
    port: actual,
    handle,
    stop: () => handle.close(),
    async restart() {
      handle = serve(bot, { port: actual, host: "127.0.0.1", heartbeatMs: 0 });
      served.handle = handle;
      await handle.ready;
    },
  };
  return served;
}

/** Short reconnect delays so tests do not wait for the production backoff. */
export const fast = { reconnect: { initialDelayMs: 5, maxDelayMs: 20 } } as const;

/**
 * A WebSocket constructor for the client that records its sockets, lets a test cut a
 * connection abruptly (no close frame) and drop incoming frames to simulate loss.
 */
export function controlledWebSocket() {
  const sockets: Wrapped[] = [];
  let dropIncoming: (data: string) => boolean = () => false;
  class Wrapped implements WebSocketLike {
    onopen: unknown = null;
    onmessage: unknown = null;
    onclose: unknown = null;
    onerror: unknown = null;
    readonly inner: WebSocket;
    constructor(url: string) {
      this.inner = new WebSocket(url);
      sockets.push(this);
      this.inner.onopen = (e) => (this.onopen as ((e: unknown) => void) | null)?.(e);
      this.inner.onerror = (e) => (this.onerror as ((e: unknown) => void) | null)?.(e);
      this.inner.onclose = (e) => (this.onclose as ((e: unknown) => void) | null)?.(e);
      this.inner.onmessage = (e) => {
        if (typeof e.data === "string" && dropIncoming(e.data)) return;
        (this.onmessage as ((e: unknown) => void) | null)?.(e);
      };
    }
    get readyState() {
      return this.inner.readyState;
    }
    send(data: string) {
      this.inner.send(data);
    }
    close(code?: number, reason?: string) {
      this.inner.close(code, reason);
    }
  }
  return {
    WebSocket: Wrapped as WebSocketConstructor,
    sockets,
    /** Cuts the newest connection without a close handshake (as a network failure would). */
    cut() {
      sockets.at(-1)?.inner.terminate();
    },
    dropWhen(predicate: (data: string) => boolean) {
      dropIncoming = predicate;
    },
  };
}

export { until } from "../helpers/until.js";

/** A promise with its resolve function, to hold a handler until the test lets it go. */
export function gate() {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}
