/**
 * `session()`: per-session data, history and dialog state, loaded before the rest of the
 * chain and saved after it succeeds, one update per session at a time.
 * @module
 */
import type { MiddlewareFn, NextFunction } from "../core/compose.js";
import type { Context, SessionBinding } from "../core/context.js";
import { DialogController } from "../dialog/control.js";
import { compareAndSetOwned, MemoryStore, peekVersioned } from "../storage/memory-store.js";
import { isSessionStore, type Store, type Versioned } from "../storage/store.js";
import { jsonEqual, toJsonValue } from "../util/json-value.js";
import { always, andThen, isPending } from "../util/maybe.js";
import { isThenable, type MaybePromise } from "../util/types.js";
import { SessionConflictError } from "./errors.js";
import { acquireLease, type Lease } from "./lease.js";
import { KeyedMutex } from "./mutex.js";
import { type ResolvedSessionOptions, resolveSessionOptions } from "./options.js";
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

/**
 * A session read from its store. The handlers' copy of the record is made when they first
 * look at it (`ctx.session`, `ctx.history`, `ctx.dialog`): an update that never does cannot
 * have changed it, and costs no copy, no comparison and no write.
 */
class Loaded<S> {
  private made: SessionRecord<S> | undefined;

  /**
   * @param make - makes the handlers' record (and sets `before` for a new one)
   * @param before - what the record was when read, to tell whether the update changed it
   *   (JSON text, or a JSON value for the in-memory store)
   * @param version - the version read, for the compare-and-set (`undefined`: key absent)
   * @param hasDialog - whether the stored record has an active dialog
   */
  constructor(
    private readonly make: (loaded: Loaded<S>) => SessionRecord<S>,
    public before: unknown,
    readonly version: string | undefined,
    readonly hasDialog: boolean,
  ) {}

  get record(): SessionRecord<S> {
    if (this.made === undefined) this.made = this.make(this);
    return this.made;
  }

  /** Whether the handlers looked at the record. */
  get touched(): boolean {
    return this.made !== undefined;
  }
}

/** A new session's record, and its snapshot as `before`. */
function fresh<S, C extends Context>(
  config: ResolvedSessionOptions<S, C>,
  snapshot: (record: SessionRecord<S>) => unknown,
): (loaded: Loaded<S>) => SessionRecord<S> {
  return (loaded) => {
    const record: SessionRecord<S> = { data: config.initial() };
    loaded.before = snapshot(record);
    return record;
  };
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
  const entry = peekVersioned(store, key);
  // Checked now, copied later: the stored value itself is what the copy is compared with.
  const stored = entry === undefined ? undefined : toRecord<S>(entry.value, key);
  const session =
    stored === undefined
      ? new Loaded<S>(fresh(config, toJsonValue), undefined, undefined, false)
      : new Loaded<S>(
          () => toJsonValue(stored) as SessionRecord<S>,
          stored,
          entry?.version,
          stored.dialog !== undefined,
        );
  return andThen(around(ctx, next, session, config), () => {
    if (!session.touched) return;
    const after = toJsonValue(session.record);
    if (jsonEqual(after, session.before)) return;
    if (!compareAndSetOwned(store, key, after, session.version, config.ttlMs)) {
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
  const release = held ?? (await acquireOrGiveUp(ctx, mutex, key));
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
  const value = versioned ? (read as Versioned | undefined)?.value : read;
  const version = versioned ? (read as Versioned | undefined)?.version : undefined;
  const stored = toRecord<S>(value, key);
  const session =
    stored === undefined
      ? new Loaded<S>(fresh(config, JSON.stringify), undefined, undefined, false)
      : new Loaded<S>(() => stored, JSON.stringify(stored), version, stored.dialog !== undefined);
  await around(ctx, next, session, config);
  if (!session.touched) return;
  const { record } = session;
  if (JSON.stringify(record) === session.before) return;
  if (!versioned) return store.set(key, record, config.ttlMs);
  const written = await store.compareAndSet(key, record, session.version, config.ttlMs);
  if (!written) throw new SessionConflictError(key);
}

/**
 * Waits for the session's mutex, unless the bot gives up on this turn first; a lock that
 * arrives after that is handed straight on.
 */
function acquireOrGiveUp(ctx: Context, mutex: KeyedMutex, key: string): Promise<() => void> {
  const acquiring = mutex.acquire(key);
  return ctx.control.guard(acquiring).catch((error: unknown) => {
    void acquiring.then((release) => release());
    throw error;
  });
}

/** Binds the session to the context and runs the rest of the chain, recording history. */
function around<S, C extends Context>(
  ctx: C,
  next: NextFunction,
  session: Loaded<S>,
  config: ResolvedSessionOptions<S, C>,
): MaybePromise<void> {
  const binding = new Binding(session, ctx);
  // A dialog that timed out (or was unregistered) ends before the handlers see it.
  if (session.hasDialog) binding.dialog.expire(Date.now());
  ctx.sessionBinding = binding;
  const ran =
    config.history === 0 ? next() : always(next, recordTurns(ctx, session.record, config.history));
  // Let go of the session (lock released, nothing saved) if the bot gives up on this turn,
  // instead of waiting for a handler that may never finish.
  return isPending(ran) ? ctx.control.guard(ran as Promise<void>) : ran;
}

/**
 * What `ctx.session`, `ctx.history` and `ctx.dialog` read: the record is copied from the
 * store and the dialog controller made on first use.
 */
class Binding implements SessionBinding {
  private controller: DialogController | undefined;

  constructor(
    private readonly loaded: { readonly record: SessionRecord<unknown> },
    private readonly ctx: Context,
  ) {}

  get record(): SessionRecord<unknown> {
    return this.loaded.record;
  }

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
