/**
 * The web transport: admits upgrade requests with the shared policy and hands the WHATWG
 * server sockets that result to the bot.
 * @module
 */
import type { Transport, TransportHost } from "../../core/transport.js";
import { type ResolvedPolicy, resolvePolicy } from "../policy/index.js";
import {
  type HonoContextLike,
  type HonoEvents,
  type HonoMiddleware,
  type HonoOptions,
  honoMiddleware,
} from "./hono.js";
import { Link } from "./link.js";
import { Links } from "./links.js";
import type { WebTransportOptions } from "./options.js";
import {
  isUpgrade,
  type PeerAddress,
  type RequestLike,
  type RuntimeResponse,
  type WebSocketLike,
} from "./platform.js";
import { refusalResponse } from "./refusal.js";
import { runtimeUpgrader } from "./runtimes.js";

/** An admitted request: upgrade it with your runtime, then hand the socket to `accept`. */
export interface Admitted {
  /** Admitted. */
  readonly ok: true;
  /** Hands the server side of the new WebSocket to the bot. Call once. */
  accept(socket: WebSocketLike): void;
  /** The upgrade failed after all: release what the admission counted. */
  cancel(): void;
}

/** A refused request: answer it with `response`. */
export interface Refused {
  /** Refused. */
  readonly ok: false;
  /** The HTTP status (403 origin, 503 capacity or shutdown, 429 per address, the hook's). */
  readonly status: number;
  /** A plain-text response with that status (and `Retry-After` for 429, and 503 while draining). */
  readonly response: RuntimeResponse;
}

/**
 * A bot transport for runtimes whose servers hand out WHATWG WebSockets: Deno, Cloudflare
 * Workers and Durable Objects (workerd), and Hono's `upgradeWebSocket` helper on any runtime.
 * Start a bot on it with `bot.start(wire)`, then pass upgrade requests to `upgrade`, `hono`
 * or `admit`. Origin (403), capacity (503), per-address budgets (429) and the `upgrade` hook
 * are checked before a WebSocket exists, as in `botwire/ws`.
 */
export class WebTransport implements Transport {
  /** The options with their defaults. */
  readonly policy: ResolvedPolicy<RequestLike>;
  private readonly links: Links;

  /** @param options - see {@link WebTransportOptions} */
  constructor(options: WebTransportOptions = {}) {
    this.policy = resolvePolicy(options, "new WebTransport()");
    this.links = new Links(this.policy);
  }

  /** Open connections, and those admitted whose socket is not open yet. */
  get connections(): number {
    return this.links.size;
  }

  /** Called by `bot.start(wire)`. */
  listen(host: TransportHost): void {
    this.links.start(host);
  }

  /** Called by `bot.stop({ drainMs })`: new requests get 503; open connections stay. */
  stopAccepting(): void {
    this.links.stopAccepting();
  }

  /** Called by `bot.stop()`: closes every connection with `code`; new requests get 503. */
  close(code: number, reason: string): Promise<void> {
    return this.links.stop(code, reason);
  }

  /**
   * Answers a WebSocket upgrade request with the runtime's own API — `Deno.upgradeWebSocket`
   * in Deno, `WebSocketPair` in workerd — after the admission checks. Returns `undefined` for
   * a request that is not an upgrade (serve it yourself), else the `101` response or the
   * refusal (403, 429, 503, the hook's status; 400 for a malformed handshake).
   * @param request - the request from your `fetch` handler
   * @param peer - the client's address (Deno: the handler's `info`; Workers: the
   *   `CF-Connecting-IP` header); without it per-address limits do not apply
   * @throws TypeError on a runtime with neither API (use {@link WebTransport.admit} there)
   */
  upgrade(request: RequestLike, peer?: PeerAddress): Promise<RuntimeResponse> | undefined {
    if (!isUpgrade(request)) return undefined;
    const upgrader = runtimeUpgrader();
    if (upgrader === undefined) {
      throw new TypeError(
        "WebTransport.upgrade() needs Deno.upgradeWebSocket or WebSocketPair; elsewhere use " +
          "admit() and accept(socket), or hono()",
      );
    }
    const idleTimeout = Math.ceil(this.policy.heartbeatMs / 1000);
    return this.links.admitLink(request, peer).then((link) => {
      if (!(link instanceof Link)) return refusalResponse(link);
      try {
        const { socket, response } = upgrader(request, idleTimeout);
        this.links.attach(link, socket);
        return response;
      } catch {
        // Deno throws on a handshake it cannot complete (no Sec-WebSocket-Key, …).
        void link.shutdown(1006, "");
        return refusalResponse({ status: 400, message: "bad WebSocket handshake" });
      }
    });
  }

  /**
   * The admission alone, for runtimes where you upgrade yourself: resolves with a refusal to
   * answer, or with `accept(socket)` for the server socket your runtime gives you.
   * @param request - the upgrade request
   * @param peer - the client's address, if known (see {@link WebTransport.upgrade})
   */
  async admit(request: RequestLike, peer?: PeerAddress): Promise<Admitted | Refused> {
    const link = await this.links.admitLink(request, peer);
    if (!(link instanceof Link)) {
      return { ok: false, status: link.status, response: refusalResponse(link) };
    }
    return {
      ok: true,
      accept: (socket) => this.links.attach(link, socket),
      cancel: () => void link.shutdown(1006, ""),
    };
  }

  /**
   * A Hono middleware for a WebSocket route: admits the request with this transport's
   * policy (a refusal is answered with its status), then upgrades it with Hono's
   * `upgradeWebSocket` helper for your runtime (`@hono/node-ws`, `hono/deno`, `hono/bun`,
   * `hono/cloudflare-workers`). Requests that are not upgrades go to the next handler.
   * @param upgradeWebSocket - the helper of your runtime's Hono adapter
   * @param options - see {@link HonoOptions}
   * @example
   * ```ts
   * app.get("/chat", wire.hono(upgradeWebSocket));
   * ```
   */
  hono<C extends HonoContextLike>(
    upgradeWebSocket: (c: C, events: HonoEvents) => Promise<unknown>,
    options?: HonoOptions<C>,
  ): HonoMiddleware<C> {
    return honoMiddleware(this.links, upgradeWebSocket, options);
  }
}
