/**
 * Turning an admitted request into a server WebSocket with the runtime's own API: Deno's
 * `Deno.upgradeWebSocket`, or workerd's `WebSocketPair` (Cloudflare Workers, Durable
 * Objects). Looked up on `globalThis` when called, never at import time.
 * @module
 */
import {
  makeResponse,
  type RequestLike,
  type RuntimeResponse,
  type WebSocketLike,
} from "./platform.js";

/** A socket and the response that completes its handshake. */
export interface Upgraded {
  /** The server side of the new WebSocket. */
  socket: WebSocketLike;
  /** The `101 Switching Protocols` response to return from the request handler. */
  response: RuntimeResponse;
}

/** Upgrades `request`; `idleTimeoutSeconds` is Deno's ping interval (0: no pings). */
export type Upgrader = (request: RequestLike, idleTimeoutSeconds: number) => Upgraded;

interface DenoNamespace {
  upgradeWebSocket(
    request: RequestLike,
    options: { idleTimeout: number },
  ): { socket: WebSocketLike; response: RuntimeResponse };
}

type WebSocketPairConstructor = new () => Record<0 | 1, WebSocketLike & { accept(): void }>;

const denoUpgrade: Upgrader = (request, idleTimeout) => {
  const { Deno } = globalThis as unknown as { Deno: DenoNamespace };
  return Deno.upgradeWebSocket(request, { idleTimeout });
};

const pairUpgrade: Upgrader = () => {
  const { WebSocketPair } = globalThis as unknown as { WebSocketPair: WebSocketPairConstructor };
  const pair = new WebSocketPair();
  const server = pair[1];
  // accept(): this worker handles the socket's events itself (not hibernation).
  server.accept();
  return { socket: server, response: makeResponse(null, { status: 101, webSocket: pair[0] }) };
};

/** The runtime's way to upgrade a request, or `undefined` where there is none. */
export function runtimeUpgrader(): Upgrader | undefined {
  const global = globalThis as { Deno?: { upgradeWebSocket?: unknown }; WebSocketPair?: unknown };
  if (typeof global.Deno?.upgradeWebSocket === "function") return denoUpgrade;
  if (typeof global.WebSocketPair === "function") return pairUpgrade;
  return undefined;
}
