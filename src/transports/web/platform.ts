/**
 * The web-platform objects this transport touches, typed by their shape: the portable build
 * has no DOM library, and users' own types (DOM, Deno, workers-types, Hono) must fit them.
 * @module
 */

/** The headers of a request: a WHATWG `Headers` fits. */
export interface HeadersLike {
  /** The value of a header (several joined with ", "), or `null`. */
  get(name: string): string | null;
  /** Calls `callback` for each header, lower-cased names. */
  forEach(callback: (value: string, name: string) => void): void;
}

/** An HTTP request: a WHATWG `Request` (Deno, workerd, Bun, Node ≥ 18, Hono's `c.req.raw`) fits. */
export interface RequestLike {
  /** The request URL. */
  readonly url: string;
  /** The request headers. */
  readonly headers: HeadersLike;
}

/**
 * What a socket event carries: `data` for `message`, `code` and `reason` for `close`. The
 * properties are optional so that every runtime's event classes fit.
 */
export interface SocketEventLike {
  /** A message's payload: a string for a text frame, bytes for a binary one. */
  readonly data?: unknown;
  /** A close event's code. */
  readonly code?: number;
  /** A close event's reason. */
  readonly reason?: string;
}

/**
 * The server side of a WHATWG `WebSocket`, as Deno's `Deno.upgradeWebSocket`, workerd's
 * `WebSocketPair` (after `accept()`) and most server libraries hand it out.
 */
export interface WebSocketLike {
  /** 0 connecting, 1 open, 2 closing, 3 closed. */
  readonly readyState: number;
  /** Bytes queued by `send` and not yet written (Deno and workerd report it). */
  readonly bufferedAmount?: number;
  /** Sends a text frame. */
  send(data: string): void;
  /** Starts the closing handshake. */
  close(code?: number, reason?: string): void;
  /** Registers an event listener (`open`, `message`, `close`, `error`). */
  addEventListener(type: string, listener: (event: SocketEventLike) => void): void;
}

/**
 * The runtime's own `Response` type where its types declare one (DOM, Deno, workers-types,
 * `@types/node`), else a structural stand-in: what `upgrade()` returns can be returned from a
 * `fetch` handler without a cast.
 */
export type RuntimeResponse =
  typeof globalThis extends GlobalWithResponse<infer R> ? R : ResponseLike;

/** A global scope whose types declare a `Response` class (the DOM library, Deno's, …). */
export interface GlobalWithResponse<R> {
  /** The `Response` class. */
  Response: {
    /** Its instances' type. */
    prototype: R;
  };
}

/** The parts of a `Response` botwire reads. */
export interface ResponseLike {
  /** The HTTP status. */
  readonly status: number;
}

/** The `Response` constructor, with workerd's `webSocket` init member. */
type ResponseConstructor = new (
  body: string | null,
  init: { status: number; headers?: Record<string, string>; webSocket?: unknown },
) => RuntimeResponse;

/** Makes a `Response` with the runtime's own constructor. */
export function makeResponse(
  body: string | null,
  init: { status: number; headers?: Record<string, string>; webSocket?: unknown },
): RuntimeResponse {
  const { Response } = globalThis as unknown as { Response: ResponseConstructor };
  return new Response(body, init);
}

/** The request's headers as a record with lower-cased names (what `ConnectionInfo` holds). */
export function headerRecord(headers: HeadersLike): Record<string, string> {
  const record: Record<string, string> = {};
  headers.forEach((value, name) => {
    record[name.toLowerCase()] = value;
  });
  return record;
}

/** Whether a request asks for a WebSocket upgrade. */
export function isUpgrade(request: RequestLike): boolean {
  return request.headers.get("upgrade")?.toLowerCase() === "websocket";
}

/**
 * The client's address as the server knows it: a string, or Deno's `Deno.serve` handler
 * info (`{ remoteAddr: { hostname } }`), or nothing (per-address limits then do not apply).
 */
export type PeerAddress = string | ServeInfoLike | undefined;

/** The second argument of a `Deno.serve` handler, as far as the address goes. */
export interface ServeInfoLike {
  /** The client's address (`hostname` for TCP; Unix sockets have none). */
  readonly remoteAddr: object;
}

/** The address in a {@link PeerAddress}. */
export function peerHost(peer: PeerAddress): string | undefined {
  if (typeof peer === "string" || peer === undefined) return peer;
  const hostname = (peer.remoteAddr as { hostname?: unknown }).hostname;
  return typeof hostname === "string" ? hostname : undefined;
}
