/**
 * Protocol limits with their defaults.
 * @module
 */
import type { LedgerLimits } from "../storage/ledger-limits.js";

/** Limits that protect the server. All are on by default and generous enough for real chat. */
export interface Limits extends LedgerLimits {
  /**
   * Longest message `text`, in characters; longer ones get `too_large`.
   * @default 8192
   */
  maxTextLength: number;
  /**
   * Deepest nesting of objects/arrays in a frame.
   * @default 32
   */
  maxDepth: number;
  /**
   * Sustained messages per second allowed on one connection (token bucket refill rate).
   * @default 50
   */
  messagesPerSecond: number;
  /**
   * Messages one connection may send in a burst before `messagesPerSecond` applies.
   * @default 200
   */
  burst: number;
  /**
   * Sustained messages per second from one address (IPv6: one /64), over all its
   * connections: a client that reconnects to get a fresh per-connection bucket still shares
   * this one. Behind a reverse proxy set `serve({ trustProxy })`, or every client is one address.
   * @default 1000
   */
  addressMessagesPerSecond: number;
  /**
   * Messages one address may send in a burst before `addressMessagesPerSecond` applies.
   * @default 2000
   */
  addressBurst: number;
  /**
   * Messages of one connection waiting for their turn (handled one at a time); further ones
   * get `rate_limited`, so a slow handler cannot make the server queue without bound.
   * @default 100
   */
  maxQueuedMessages: number;
  /**
   * Violations (bad frames, rate-limited messages) tolerated within `violationWindowMs`
   * before the connection is closed with 4429.
   * @default 20
   */
  maxViolations: number;
  /**
   * Window over which violations are counted.
   * @default 10000
   */
  violationWindowMs: number;
  /**
   * Bytes a connection may have queued for sending before it counts as a slow reader
   * and is closed with 1013.
   * @default 4194304 (4 MiB)
   */
  maxBufferedBytes: number;
  /**
   * Close connections not welcomed within this time (4408): no `hello` or message came, or
   * the handshake (e.g. `auth`'s `verify`) took longer.
   * Transports may override it per connection (`serve({ helloTimeoutMs })`).
   * @default 10000
   */
  helloTimeoutMs: number;
}

/** The default {@link Limits}. */
export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  maxTextLength: 8192,
  maxDepth: 32,
  messagesPerSecond: 50,
  burst: 200,
  addressMessagesPerSecond: 1000,
  addressBurst: 2000,
  maxQueuedMessages: 100,
  maxViolations: 20,
  violationWindowMs: 10_000,
  maxBufferedBytes: 4 * 1024 * 1024,
  helloTimeoutMs: 10_000,
  outboxMessages: 1000,
  outboxBytes: 1024 * 1024,
  outboxAgeMs: 86_400_000,
  ledgerBytes: 256 * 1024 * 1024,
  dedupWindow: 1000,
  sessionTtlMs: 86_400_000,
});

/** Merges user limits over the defaults and checks them; throws a `RangeError` naming the bad one. */
export function resolveLimits(partial: Partial<Limits> | undefined): Limits {
  const limits: Limits = { ...DEFAULT_LIMITS, ...partial };
  for (const [key, value] of Object.entries(limits)) {
    if (typeof value !== "number" || Number.isNaN(value) || value <= 0) {
      throw new RangeError(`limits.${key} must be a positive number, got ${String(value)}`);
    }
  }
  return limits;
}
