/**
 * Hono's `upgradeWebSocket` helper (Node via `@hono/node-ws`, Deno, Bun, Workers): a
 * middleware that admits the request with the transport's policy, then lets the helper
 * upgrade it and feeds its events to the bot.
 * @module
 */
import type { Refusal } from "../policy/index.js";
import { type Endpoint, Link, type Pinger } from "./link.js";
import {
  isUpgrade,
  type PeerAddress,
  type RequestLike,
  type RuntimeResponse,
  type SocketEventLike,
} from "./platform.js";
import { refusalResponse } from "./refusal.js";

/** The transport, as the adapter uses it. */
export interface LinkSource {
  /** Runs the admission; an admitted request becomes a link. */
  admitLink(request: RequestLike, peer: PeerAddress): Promise<Link | Refusal>;
  /** The link's socket is open. */
  openLink(link: Link, endpoint: Endpoint, pinger?: Pinger): void;
  /** How long an admitted request may take to open its socket. */
  readonly upgradeTimeoutMs: number;
}

/** The part of a Hono `Context` the adapter reads: `c.req.raw`, and `c.env` for the address. */
export interface HonoContextLike {
  /** Hono's request wrapper. */
  readonly req: {
    /** The WHATWG request. */
    readonly raw: RequestLike;
  };
  /** The runtime's bindings (Node: `{ incoming }`, Deno: the handler info, Bun: the server). */
  readonly env?: unknown;
}

/** Hono's `WSContext`, as far as the adapter uses it. */
export interface HonoSocketLike {
  /** 0 connecting, 1 open, 2 closing, 3 closed. */
  readonly readyState: number;
  /** The runtime's socket: `bufferedAmount` (and pings with `ws`) are read from it. */
  readonly raw?: unknown;
  /** Sends a text frame. */
  send(data: string): void;
  /** Starts the closing handshake. */
  close(code?: number, reason?: string): void;
}

/** The event handlers the adapter gives Hono's helper (Hono's `WSEvents`). */
export interface HonoEvents {
  /** The socket opened (not called by Hono's Workers helper: the first event opens it). */
  onOpen(event: unknown, ws: HonoSocketLike): void;
  /** A frame arrived. */
  onMessage(event: SocketEventLike, ws: HonoSocketLike): void;
  /** The socket closed. */
  onClose(event: SocketEventLike, ws: HonoSocketLike): void;
  /** The socket failed (a close follows). */
  onError(event: unknown, ws: HonoSocketLike): void;
}

/** Options of `WebTransport.hono`. */
export interface HonoOptions<C> {
  /**
   * The client's address for per-address limits. By default read from `c.env` under
   * `@hono/node-server` (`incoming.socket.remoteAddress`), `Deno.serve(app.fetch)`
   * (`remoteAddr.hostname`) and `Bun.serve` (`requestIP`). On Workers pass
   * `(c) => c.req.header("cf-connecting-ip")`.
   */
  address?: (c: C) => PeerAddress;
}

/** Hono's middleware shape: answers the request, or passes it on with `next()`. */
export type HonoMiddleware<C> = (
  c: C,
  next: () => Promise<void>,
) => Promise<RuntimeResponse | undefined>;

/** The address in the `env` of Hono's Node, Deno and Bun adapters. */
function envAddress(c: HonoContextLike): PeerAddress {
  const env = c.env as
    | {
        incoming?: { socket?: { remoteAddress?: unknown } };
        remoteAddr?: object;
        requestIP?: (request: RequestLike) => { address?: unknown } | null;
      }
    | undefined;
  const node = env?.incoming?.socket?.remoteAddress;
  if (typeof node === "string") return node;
  if (typeof env?.remoteAddr === "object") return { remoteAddr: env.remoteAddr };
  if (typeof env?.requestIP === "function") {
    const bun = env.requestIP(c.req.raw)?.address;
    if (typeof bun === "string") return bun;
  }
  return undefined;
}

/** A `WSContext` as a connection endpoint; `bufferedAmount` from its runtime socket. */
class HonoEndpoint implements Endpoint {
  constructor(private readonly ws: HonoSocketLike) {}

  get readyState(): number {
    return this.ws.readyState;
  }

  get bufferedAmount(): number | undefined {
    const raw = this.ws.raw as
      | { bufferedAmount?: unknown; getBufferedAmount?: () => number }
      | undefined;
    if (typeof raw?.bufferedAmount === "number") return raw.bufferedAmount;
    // Bun's ServerWebSocket.
    if (typeof raw?.getBufferedAmount === "function") return raw.getBufferedAmount();
    return undefined;
  }

  send(frame: string): void {
    this.ws.send(frame);
  }

  close(code: number, reason: string): void {
    this.ws.close(code, reason);
  }
}

/** The raw socket when it can ping and report pongs (`ws`, under `@hono/node-ws`). */
function pingerOf(raw: unknown, link: Link): Pinger | undefined {
  const socket = raw as Partial<Pinger> & { on?: (event: string, fn: () => void) => void };
  if (typeof socket?.ping !== "function" || typeof socket.terminate !== "function") return;
  if (typeof socket.on !== "function") return;
  socket.on("pong", () => link.pong());
  return socket as Pinger;
}

function eventsFor(transport: LinkSource, link: Link): HonoEvents {
  const open = (ws: HonoSocketLike) => {
    if (!link.opened) transport.openLink(link, new HonoEndpoint(ws), pingerOf(ws.raw, link));
  };
  return {
    onOpen: (_event, ws) => open(ws),
    onMessage: (event, ws) => {
      open(ws);
      link.message(event.data);
    },
    onClose: (event) => link.closed(event.code, event.reason),
    onError: () => link.failed(),
  };
}

/** Builds the middleware of `WebTransport.hono`. */
export function honoMiddleware<C extends HonoContextLike>(
  transport: LinkSource,
  upgradeWebSocket: (c: C, events: HonoEvents) => Promise<unknown>,
  options: HonoOptions<C> = {},
): HonoMiddleware<C> {
  const addressOf = options.address ?? envAddress;
  return async (c, next) => {
    if (!isUpgrade(c.req.raw)) {
      await next();
      return undefined;
    }
    const link = await transport.admitLink(c.req.raw, addressOf(c));
    if (!(link instanceof Link)) return refusalResponse(link);
    // The helper may never open the socket (a handshake `ws` refuses): the count comes back.
    link.expireUnlessOpened(transport.upgradeTimeoutMs);
    try {
      return (await upgradeWebSocket(c, eventsFor(transport, link))) as RuntimeResponse;
    } catch (error) {
      void link.shutdown(1006, "");
      throw error;
    }
  };
}
