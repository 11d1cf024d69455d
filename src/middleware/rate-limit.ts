/**
 * `rateLimit()`: a fixed-window message limit per connection, per user, or per any key.
 * @module
 */

import { LRUCache } from "lru-cache";
import type { MiddlewareFn } from "../core/compose.js";
import type { Context } from "../core/context.js";
import { ClientError } from "../core/errors.js";
import { ownerOf } from "../core/handshake.js";
import { CloseCode } from "../protocol/codes.js";
import { type AtomicStore, isAtomicStore } from "../storage/store.js";
import { RefusalWait } from "../util/wait.js";
import { LocalCounters } from "./local-counters.js";

/** Who shares a limit: each connection, each user, or a key you compute (`undefined` = no limit). */
export type RateLimitKey<C extends Context> =
  | "connection"
  | "user"
  | ((ctx: C) => string | undefined | Promise<string | undefined>);

/** Options of {@link rateLimit}. */
export interface RateLimitOptions<C extends Context = Context> {
  /** Messages allowed per window. */
  limit: number;
  /** Window length in milliseconds. */
  windowMs: number;
  /**
   * What the limit applies to. `"user"` uses the authenticated user's `id` and falls back to
   * the connection for anonymous clients.
   * @default "connection"
   */
  key?: RateLimitKey<C>;
  /**
   * Where the counters live. Pass a `RedisStore` so the limit holds across nodes; any store
   * with an atomic `increment` works.
   * @default in-process counters
   */
  store?: AtomicStore;
  /**
   * The connection is closed with 4429 at the `maxViolations`th message a client sends
   * while told to wait (more than a second after a refusal, before its `retryAfterMs` is
   * over). Messages that may have been on their way when the refusal was sent do not count:
   * a client that honours `retryAfterMs` (as `BotClient` does) is refused and paced, never
   * closed.
   * @default 10
   */
  maxViolations?: number;
  /**
   * Prefix of the counter keys in the store (use different ones for different limits).
   * @default "ratelimit:"
   */
  prefix?: string;
}

function positiveInteger(name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw new RangeError(`rateLimit(): ${name} must be a positive integer, got ${String(value)}`);
  }
  return value;
}

function resolveKey<C extends Context>(key: RateLimitKey<C>) {
  if (key === "connection") return (ctx: C) => `c:${ctx.connection.id}`;
  if (key === "user") {
    return (ctx: C) => {
      const owner = ownerOf(ctx.user);
      return owner === undefined ? `c:${ctx.connection.id}` : `u:${owner}`;
    };
  }
  if (typeof key === "function") return key;
  throw new TypeError(`rateLimit(): key must be "connection", "user" or a function`);
}

/**
 * Limits how many messages pass per window. A message over the limit gets a
 * `rate_limited` error frame with `retryAfterMs` (when the window ends) and no handler
 * runs; a client that keeps sending while told to wait (`maxViolations` messages) is
 * closed with 4429. Only messages count; connect and disconnect updates pass.
 *
 * @param options - see {@link RateLimitOptions}
 * @example
 * ```ts
 * bot.use(rateLimit({ limit: 5, windowMs: 10_000, key: "user", store: new RedisStore(redis) }));
 * ```
 */
export function rateLimit<C extends Context = Context>(
  options: RateLimitOptions<C>,
): MiddlewareFn<C> {
  if (typeof options !== "object" || options === null) {
    throw new TypeError("rateLimit(options): options must be an object with limit and windowMs");
  }
  const limit = positiveInteger("limit", options.limit);
  const windowMs = positiveInteger("windowMs", options.windowMs);
  const maxViolations = positiveInteger("maxViolations", options.maxViolations ?? 10);
  const keyOf = resolveKey(options.key ?? "connection");
  const prefix = options.prefix ?? "ratelimit:";
  if (typeof prefix !== "string") throw new TypeError("rateLimit(): prefix must be a string");
  const store = options.store ?? new LocalCounters();
  if (!isAtomicStore(store)) {
    throw new TypeError(
      "rateLimit(): store must have an atomic increment() (e.g. MemoryStore or RedisStore)",
    );
  }

  const refusals = new Refusals(windowMs);

  return async function rateLimited(ctx, next) {
    if (ctx.update !== "message") return next();
    const key = await keyOf(ctx);
    if (key === undefined) return next();
    // One atomic increment per message: the count is the truth on every node.
    const { count, ttlMs } = await store.increment(prefix + key, 1, windowMs);
    if (count <= limit) return next();
    const retryAfterMs = Math.max(1, Math.ceil(ttlMs));
    // Whether the client ignored an earlier refusal is judged by when its message arrived,
    // not when it was handled: a backlog handled late was sent in good faith.
    const now = Date.now();
    const ignored = refusals.refused(key, now + ttlMs, ctx.receivedAt, now, retryAfterMs);
    if (ignored >= maxViolations) {
      throw new ClientError("rate_limited", "too many messages", {
        retryAfterMs,
        closeCode: CloseCode.TooManyViolations,
      });
    }
    throw new ClientError("rate_limited", "too many messages", { retryAfterMs });
  };
}

interface Told {
  /** The end of the window the refusals were in (a new window forgives). */
  window: number;
  wait: RefusalWait;
  /** Messages that arrived while the client had been told to wait. */
  ignored: number;
}

/**
 * Who was told to wait, per key, in this process (bounded: the least recently refused keys
 * are forgotten first), judged by the rule of `RefusalWait`.
 */
class Refusals {
  private readonly told = new LRUCache<string, Told>({ max: 10_000 });

  constructor(private readonly windowMs: number) {}

  /**
   * Books a refusal in the window that ends at `window`; returns how many messages of the
   * key ignored a wait in this window.
   */
  refused(key: string, window: number, arrived: number, now: number, waitMs: number): number {
    let told = this.told.get(key);
    if (told === undefined || Math.abs(told.window - window) > this.windowMs / 2) {
      told = { window, wait: new RefusalWait(), ignored: 0 };
      this.told.set(key, told);
    }
    if (told.wait.refused(arrived, now, waitMs)) told.ignored++;
    return told.ignored;
  }
}
