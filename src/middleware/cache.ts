/**
 * `cache()`: answer repeated questions from a cache of earlier replies (FAQ bots).
 * @module
 */
import { LRUCache } from "lru-cache";
import type { MiddlewareFn } from "../core/compose.js";
import type { Context } from "../core/context.js";
import type { OutgoingMessage } from "../protocol/frames.js";
import type { Store } from "../storage/store.js";
import { defaultCacheKey } from "./cache-key.js";
import { PERSONAL_PROPERTIES, trackReads } from "./read-tracker.js";

/** Options of {@link cache}. */
export interface CacheOptions<C extends Context = Context> {
  /**
   * How long an entry is replayed, in milliseconds.
   * @default 300000 (5 minutes)
   */
  ttlMs?: number;
  /**
   * Most entries in the built-in memory cache (least recently used go first). Not allowed
   * with `store`.
   * @default 1000
   */
  max?: number;
  /**
   * The cache key of a message; `undefined` skips the cache. With a key of your own you
   * decide who shares entries (include `ctx.sessionId` or the user id for personal replies).
   * @default the normalised text of text-only messages, see {@link defaultCacheKey}
   */
  key?: (ctx: C) => string | undefined | Promise<string | undefined>;
  /**
   * Where entries live, e.g. a `RedisStore` shared by all nodes.
   * @default an in-memory LRU cache of `max` entries
   */
  store?: Store;
  /**
   * Prefix of the entry keys in the store (use different ones for different caches).
   * @default "cache:"
   */
  prefix?: string;
}

/** Counters of a {@link cache} middleware, for metrics. */
export interface CacheStats {
  /** Messages answered from the cache. */
  hits: number;
  /** Messages that ran the rest of the chain. */
  misses: number;
  /**
   * Misses whose replies were not stored because they read `ctx.user`, `ctx.session`,
   * `ctx.history`, `ctx.dialog` or `ctx.sessionId`.
   */
  personal: number;
}

/** The middleware returned by {@link cache}, with its {@link CacheStats}. */
export interface CacheMiddleware<C extends Context = Context> extends MiddlewareFn<C> {
  /** Live hit/miss counters of this cache. */
  readonly stats: Readonly<CacheStats>;
}

interface Recorded extends OutgoingMessage {
  /** true: sent with `reply` (gets `replyTo`); false: sent with `send`. */
  reply: boolean;
}

function isEntry(value: unknown): value is { out: Recorded[] } {
  return (
    typeof value === "object" && value !== null && Array.isArray((value as { out?: unknown }).out)
  );
}

function memoryStore(max: number): Store {
  const lru = new LRUCache<string, { out: Recorded[] }>({ max });
  return {
    get: (key) => lru.get(key),
    set: (key, value, ttlMs) => {
      lru.set(key, value as { out: Recorded[] }, ttlMs === undefined ? {} : { ttl: ttlMs });
    },
    delete: (key) => {
      lru.delete(key);
    },
  };
}

function positive(name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new RangeError(`cache(): ${name} must be a positive number, got ${String(value)}`);
  }
  return value;
}

/**
 * Replays the replies of an identical earlier message without running the rest of the
 * chain. Put it in front of FAQ handlers. What is stored: every message the rest of the
 * chain sent, once it finished without throwing; nothing for a chain that sent nothing.
 *
 * Personal replies are never shared: with the default key, a reply whose chain read
 * `ctx.user`, `ctx.session`, `ctx.history`, `ctx.dialog` or `ctx.sessionId` is not stored
 * (see `stats.personal`). A custom `key` turns this check off — the key then says who
 * shares an entry.
 *
 * @param options - see {@link CacheOptions}
 * @example
 * ```ts
 * const faq = cache({ ttlMs: 60_000 });
 * bot.intent("hours", ["when are you open", "opening hours"], faq, (ctx) => ctx.reply(hours()));
 * setInterval(() => metrics.gauge("faq_hits", faq.stats.hits), 10_000);
 * ```
 */
export function cache<C extends Context = Context>(
  options: CacheOptions<C> = {},
): CacheMiddleware<C> {
  if (typeof options !== "object" || options === null) {
    throw new TypeError("cache(options): options must be an object");
  }
  const ttlMs = positive("ttlMs", options.ttlMs ?? 300_000);
  if (options.max !== undefined && options.store !== undefined) {
    throw new TypeError(
      "cache(): `max` sizes the built-in memory cache; it cannot be used with `store`",
    );
  }
  const max = positive("max", options.max ?? 1000);
  if (options.key !== undefined && typeof options.key !== "function") {
    throw new TypeError("cache(): key must be a function (ctx) => string | undefined");
  }
  const custom = options.key;
  const keyOf = custom ?? defaultCacheKey;
  const prefix = options.prefix ?? "cache:";
  const store = options.store ?? memoryStore(max);
  if (typeof store.get !== "function" || typeof store.set !== "function") {
    throw new TypeError("cache(): store must have get() and set()");
  }
  const stats: CacheStats = { hits: 0, misses: 0, personal: 0 };

  const middleware = async function cached(ctx: C, next: () => Promise<void>) {
    if (ctx.update !== "message") return next();
    const key = await keyOf(ctx);
    if (key === undefined) return next();
    const hit = await store.get(prefix + key);
    if (isEntry(hit)) {
      stats.hits++;
      for (const { reply, ...body } of hit.out) await (reply ? ctx.reply(body) : ctx.send(body));
      return;
    }
    stats.misses++;
    const out: Recorded[] = [];
    const untap = ctx.tap((body, reply) => out.push({ reply, ...body }));
    const tracker = custom === undefined ? trackReads(ctx, PERSONAL_PROPERTIES) : undefined;
    let personal = false;
    try {
      await next(); // a throw skips the store below: failures are never cached
    } finally {
      untap();
      personal = tracker?.read() ?? false;
      tracker?.stop();
    }
    if (out.length === 0) return;
    if (personal) {
      stats.personal++;
      return;
    }
    // A JSON copy: the entry must not change if a handler later mutates what it sent.
    await store.set(prefix + key, { out: JSON.parse(JSON.stringify(out)) as Recorded[] }, ttlMs);
  } as CacheMiddleware<C>;
  Object.defineProperty(middleware, "stats", { value: stats, enumerable: true });
  return middleware;
}
