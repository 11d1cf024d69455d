/**
 * `session()`: per-session data, history and dialog state, loaded before the rest of the
 * chain and saved after it succeeds, one update per session at a time.
 * @module
 */
import type { MiddlewareFn, NextFunction } from "../core/compose.js";
import type { Context } from "../core/context.js";
import { DialogController } from "../dialog/control.js";
import { SessionConflictError } from "./errors.js";
import { acquireLease, type Lease } from "./lease.js";
import { MemoryStore } from "./memory-store.js";
import { KeyedMutex } from "./mutex.js";
import { type ResolvedSessionOptions, resolveSessionOptions } from "./options.js";
import { isSessionStore, type Store, type Versioned } from "./store.js";
import type { SessionOptions, SessionRecord, Turn } from "./types.js";

/**
 * Keeps data per session in a store: `ctx.session` (your data), `ctx.history` (the last
 * turns) and `ctx.dialog` (dialog state). The session is read when an update reaches this
 * middleware and written back only after the rest of the chain succeeded, and only if
 * it changed. Updates of one session are handled one at a time, in arrival order within a
 * process; with a shared `SessionStore` (RedisStore) a leased lock plus a versioned write
 * extend that to many processes, so no write is ever lost. See docs/sessions.md.
 *
 * @param options - see {@link SessionOptions}
 * @example
 * ```ts
 * const bot = new Bot<Context & SessionFlavor<{ count: number }>>();
 * bot.use(session({ initial: () => ({ count: 0 }), history: 20 }));
 * bot.on("message", (ctx) => ctx.reply(`message #${++ctx.session.count}`));
 * ```
 */
export function session<S, C extends Context = Context>(
  options: SessionOptions<S, C>,
): MiddlewareFn<C> {
  const config = resolveSessionOptions(options);
  let fallback: MemoryStore | undefined;
  return async function session(ctx, next) {
    const key = await config.getKey(ctx);
    if (key === undefined) {
      withoutSession(ctx);
      return next();
    }
    if (typeof key !== "string" || key.length === 0) {
      throw new TypeError("session(): getKey must return a non-empty string or undefined");
    }
    let store = config.store ?? ctx.services?.store;
    if (store === undefined) {
      // A context made outside a bot has no bot store: keep sessions here instead.
      fallback ??= new MemoryStore();
      store = fallback;
    }
    const mutex = mutexOf(store);
    const release = mutex.tryAcquire(key) ?? (await mutex.acquire(key));
    let lease: Lease | undefined;
    try {
      // A store local to this process is fully serialised by the mutex; only a shared one
      // needs the cross-process lease.
      if (isSessionStore(store) && store.local !== true) {
        lease = await acquireLease(store, key, config.lock);
      }
      await handle(ctx, next, store, key, config);
    } finally {
      await lease?.release();
      release();
    }
  };
}

/** One mutex per store, so every session() (and every bot) of a process using it shares it. */
const mutexes = new WeakMap<Store, KeyedMutex>();

function mutexOf(store: Store): KeyedMutex {
  let mutex = mutexes.get(store);
  if (mutex === undefined) {
    mutex = new KeyedMutex();
    mutexes.set(store, mutex);
  }
  return mutex;
}

async function handle<S, C extends Context>(
  ctx: C,
  next: NextFunction,
  store: Store,
  key: string,
  config: ResolvedSessionOptions<S, C>,
): Promise<void> {
  const versioned = isSessionStore(store);
  const loaded: Versioned | undefined = versioned
    ? await store.getVersioned(key)
    : wrap(await store.get(key));
  const record = toRecord<S>(loaded?.value, key) ?? { data: config.initial() };
  const before = JSON.stringify(record);
  const dialog = new DialogController(record, ctx, (name) => ctx.services?.dialog(name));
  dialog.expire(Date.now());
  ctx.sessionBinding = { record, dialog };
  const stopRecording = config.history > 0 ? recordTurns(ctx, record, config.history) : undefined;
  try {
    await next();
  } finally {
    stopRecording?.();
  }
  if (JSON.stringify(record) === before) return;
  if (!versioned) return store.set(key, record, config.ttlMs);
  const written = await store.compareAndSet(key, record, loaded?.version, config.ttlMs);
  if (!written) throw new SessionConflictError(key);
}

function wrap(value: unknown): Versioned | undefined {
  return value === undefined ? undefined : { value, version: "" };
}

function toRecord<S>(value: unknown, key: string): SessionRecord<S> | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "object" || value === null || !("data" in value)) {
    throw new TypeError(`session(): the value under "${key}" is not a session record`);
  }
  return value as SessionRecord<S>;
}

/** Appends the user's text now and every bot text sent from here on, keeping the last `max`. */
function recordTurns(ctx: Context, record: SessionRecord<unknown>, max: number): () => void {
  record.history ??= [];
  const turns: Turn[] = record.history;
  const add = (from: Turn["from"], text: string) => {
    turns.push({ from, text, at: Date.now() });
    if (turns.length > max) turns.splice(0, turns.length - max);
  };
  if (ctx.update === "message" && ctx.text !== undefined) add("user", ctx.text);
  return ctx.tap((body) => {
    if (body.text !== undefined) add("bot", body.text);
  });
}

function withoutSession(ctx: Context): void {
  ctx.sessionBinding = null;
}
