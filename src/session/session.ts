/**
 * `session()`: per-session data, history and dialog state, loaded before the rest of the
 * chain and saved after it succeeds, one update per session at a time.
 * @module
 */
import type { MiddlewareFn, NextFunction } from "../core/compose.js";
import type { Context, SessionBinding } from "../core/context.js";
import { always, andThen } from "../core/maybe.js";
import { isThenable, type MaybePromise } from "../core/types.js";
import { DialogController } from "../dialog/control.js";
import { SessionConflictError } from "./errors.js";
import { jsonEqual, toJsonValue } from "./json-value.js";
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
  const withKey = (ctx: C, next: NextFunction, key: string | undefined): MaybePromise<void> => {
    if (key === undefined) {
      ctx.sessionBinding = null;
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
    const release = mutex.tryAcquire(key);
    // The common case — the in-memory store, no other update of this session running — stays
    // synchronous from load to save; anything else takes the general, awaiting path.
    if (release !== undefined && isPlainMemoryStore(store)) {
      const memory = store;
      return always(() => inMemory(ctx, next, memory, key, config), release);
    }
    return locked(ctx, next, store, key, config, mutex, release);
  };
  return function session(ctx, next) {
    const key = config.getKey(ctx);
    return isThenable(key) ? key.then((k) => withKey(ctx, next, k)) : withKey(ctx, next, key);
  };
}

/** The built-in MemoryStore itself (a subclass may override how values are read and written). */
function isPlainMemoryStore(store: Store): store is MemoryStore {
  return Object.getPrototypeOf(store) === MemoryStore.prototype;
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

/** A session read from its store: the record handlers change, and what to compare it with. */
interface Loaded<S> {
  record: SessionRecord<S>;
  /** What the record was when read (JSON text, or a JSON value for the in-memory store). */
  before: unknown;
  /** The version read, for the compare-and-set (`undefined`: the key was absent). */
  version: string | undefined;
}

function loaded<S, C extends Context>(
  value: unknown,
  version: string | undefined,
  key: string,
  config: ResolvedSessionOptions<S, C>,
  snapshot: (record: SessionRecord<S>) => unknown,
): Loaded<S> {
  const stored = toRecord<S>(value, key);
  const record = stored ?? { data: config.initial() };
  return { record, before: snapshot(record), version: stored === undefined ? undefined : version };
}

/**
 * The in-memory store's path, with no awaits: the handlers get a copy of the stored value,
 * and the changed record goes back as a fresh copy only if it differs (no JSON text at all).
 */
function inMemory<S, C extends Context>(
  ctx: C,
  next: NextFunction,
  store: MemoryStore,
  key: string,
  config: ResolvedSessionOptions<S, C>,
): MaybePromise<void> {
  const entry = store.peekVersioned(key);
  const session =
    entry === undefined
      ? loaded<S, C>(undefined, undefined, key, config, toJsonValue)
      : // The stored value itself is what a new copy is compared with.
        loaded<S, C>(toJsonValue(entry.value), entry.version, key, config, () => entry.value);
  return andThen(around(ctx, next, session, config), () => {
    const after = toJsonValue(session.record);
    if (jsonEqual(after, session.before)) return;
    if (!store.compareAndSetOwned(key, after, session.version, config.ttlMs)) {
      throw new SessionConflictError(key);
    }
  });
}

/** Any other store, or a session busy with another update: waits for the lock, then runs. */
async function locked<S, C extends Context>(
  ctx: C,
  next: NextFunction,
  store: Store,
  key: string,
  config: ResolvedSessionOptions<S, C>,
  mutex: KeyedMutex,
  held: (() => void) | undefined,
): Promise<void> {
  const release = held ?? (await mutex.acquire(key));
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
}

async function handle<S, C extends Context>(
  ctx: C,
  next: NextFunction,
  store: Store,
  key: string,
  config: ResolvedSessionOptions<S, C>,
): Promise<void> {
  const versioned = isSessionStore(store);
  const read = versioned ? await store.getVersioned(key) : await store.get(key);
  const session: Loaded<S> = versioned
    ? loaded(
        (read as Versioned | undefined)?.value,
        (read as Versioned | undefined)?.version,
        key,
        config,
        JSON.stringify,
      )
    : loaded(read, undefined, key, config, JSON.stringify);
  await around(ctx, next, session, config);
  const { record } = session;
  if (JSON.stringify(record) === session.before) return;
  if (!versioned) return store.set(key, record, config.ttlMs);
  const written = await store.compareAndSet(key, record, session.version, config.ttlMs);
  if (!written) throw new SessionConflictError(key);
}

/** Binds the session to the context and runs the rest of the chain, recording history. */
function around<S, C extends Context>(
  ctx: C,
  next: NextFunction,
  session: Loaded<S>,
  config: ResolvedSessionOptions<S, C>,
): MaybePromise<void> {
  const { record } = session;
  const binding = new Binding(record, ctx);
  // A dialog that timed out (or was unregistered) ends before the handlers see it.
  if (record.dialog !== undefined) binding.dialog.expire(Date.now());
  ctx.sessionBinding = binding;
  if (config.history === 0) return next();
  const stopRecording = recordTurns(ctx, record, config.history);
  return always(next, stopRecording);
}

/** What `ctx.session`, `ctx.history` and `ctx.dialog` read; the dialog controller is made on first use. */
class Binding implements SessionBinding {
  private controller: DialogController | undefined;

  constructor(
    readonly record: SessionRecord<unknown>,
    private readonly ctx: Context,
  ) {}

  get dialog(): DialogController {
    if (this.controller === undefined) {
      const ctx = this.ctx;
      this.controller = new DialogController(this.record, ctx, (name) =>
        ctx.services?.dialog(name),
      );
    }
    return this.controller;
  }
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
