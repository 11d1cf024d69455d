/**
 * The stable error codes and close codes of wire protocol v1, in one place.
 *
 * Error codes travel in `{"type":"error","code":…}` frames; close codes are the
 * WebSocket close codes the server uses. Our own close codes live in 4000–4999.
 * @module
 */

/** Error codes sent in `error` frames. Clients may switch on them; they never change meaning. */
export const ErrorCode = {
  /** The frame was not valid JSON, had the wrong shape, or was sent at the wrong time. */
  BadRequest: "bad_request",
  /** Authentication failed or is required. The connection is closed with 4401 after it. */
  Unauthorized: "unauthorized",
  /** Too many messages; `retryAfterMs` says when to try again. */
  RateLimited: "rate_limited",
  /** A message text or frame exceeded a size limit. */
  TooLarge: "too_large",
  /** A handler failed. The message is generic: internals are never sent. */
  Internal: "internal",
} as const;

/** One of the {@link ErrorCode} values. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** WebSocket close codes used by the server. */
export const CloseCode = {
  /** Normal closure (the client's own `close()`). */
  Normal: 1000,
  /** The server is shutting down or restarting. Clients should reconnect. */
  GoingAway: 1001,
  /** Policy violation: a binary frame or a refused origin. */
  Policy: 1008,
  /** A frame exceeded `maxPayload`. */
  TooLarge: 1009,
  /** An unexpected server error. */
  Internal: 1011,
  /** The client did not read its messages fast enough (backpressure); reconnect later. */
  TryAgainLater: 1013,
  /** Authentication failed. Clients must not reconnect with the same credentials. */
  Unauthorized: 4401,
  /** Neither a hello nor a message arrived within `helloTimeoutMs`. */
  HelloTimeout: 4408,
  /** Sustained abuse: too many protocol or rate-limit violations. */
  TooManyViolations: 4429,
} as const;

/** One of the {@link CloseCode} values. */
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/** Close codes after which a client must not reconnect automatically. */
export const FATAL_CLOSE_CODES: ReadonlySet<number> = new Set([
  CloseCode.Policy,
  CloseCode.Unauthorized,
  CloseCode.TooManyViolations,
]);

/** The protocol version spoken by this package, sent as `welcome.v`. */
export const PROTOCOL_VERSION = 1;
