/**
 * `session()`: per-session data, history and dialog state, loaded before the rest of the
 * chain and saved after it succeeds, one update per session at a time.
 * @module
 */
import type { MiddlewareFn, NextFunction } from "../core/compose.js";
import type { Context, SessionBinding } from "../core/context.js";
import { endWhen } from "../core/telemetry.js";
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
import { fresh, Loaded, refreshDue, toRecord, ttlOf } from "./record.js";
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
  const middleware: MiddlewareFn<C> = (ctx, next) => {
    const key = config.getKey(ctx);
    return isThenable(key) ? key.then((k) => withKey(ctx, next, k)) : withKey(ctx, next, key);
  };
  // Its name in telemetry (`botwire.middleware.name`), whatever a bundler renames.
  return Object.defineProperty(middleware, "name", { value: "session" });
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
      ? // Stryker disable next-line BooleanLiteral: equivalent — a new record has no dialog; expire() would find none
        new Loaded<S>(fresh(config, toJsonValue), undefined, undefined, false)
      : new Loaded<S>(
          () => toJsonValue(stored) as SessionRecord<S>,
          stored,
          entry?.version,
          // Stryker disable next-line ConditionalExpression: equivalent as `true` — expire() on a record without a dialog does nothing
          stored.dialog !== undefined,
        );
  const ttlMs = ttlOf(ctx, key, config);
  const due = refreshDue(stored, ttlMs);
  return andThen(around(ctx, next, session, config), () => {
    // Stryker disable next-line ConditionalExpression: equivalent as `false` — an untouched record, made now, equals its snapshot and is not written
    if (!session.touched && !due) return;
    const after = toJsonValue(session.record) as SessionRecord<S>;
    if (!due && jsonEqual(after, session.before)) return;
    if (ttlMs !== undefined) after.at = Date.now();
    if (!compareAndSetOwned(store, key, after, session.version, ttlMs)) {
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
    // Stryker disable next-line ConditionalExpression: equivalent as `true` — a local store's lease is one more in-process lock, the mutex already serialises
    if (isSessionStore(store) && store.local !== true) {
      const span = ctx.trace?.step("session.lock");
      const acquired = acquireLease(store, key, config.lock);
      lease = await (span === undefined ? acquired : endWhen(span, acquired));
    }
    await handle(ctx, next, store, key, config, lease);
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
  lease: Lease | undefined,
): Promise<void> {
  const versioned = isSessionStore(store);
  const read = lease?.read !== undefined ? lease.read.value : await load(ctx, store, key);
  const value = versioned ? (read as Versioned | undefined)?.value : read;
  const version = versioned ? (read as Versioned | undefined)?.version : undefined;
  const stored = toRecord<S>(value, key);
  const session =
    stored === undefined
      ? // Stryker disable next-line BooleanLiteral: equivalent — a new record has no dialog; expire() would find none
        new Loaded<S>(fresh(config, JSON.stringify), undefined, undefined, false)
      : // Stryker disable next-line ConditionalExpression: equivalent as `true` — expire() on a record without a dialog does nothing
        new Loaded<S>(() => stored, JSON.stringify(stored), version, stored.dialog !== undefined);
  const ttlMs = ttlOf(ctx, key, config);
  const due = refreshDue(stored, ttlMs);
  await around(ctx, next, session, config);
  // Stryker disable next-line ConditionalExpression: equivalent as `false` — an untouched record, made now, equals its snapshot and is not written
  if (!session.touched && !due) return;
  const { record } = session;
  if (!due && JSON.stringify(record) === session.before) return;
  if (ttlMs !== undefined) record.at = Date.now();
  const saving = ctx.trace?.step("session.save");
  // With a lease whose store pairs the calls: write and let go of the lease in one step.
  const pairs = versioned ? lease?.writeAndRelease : undefined;
  const writing =
    pairs !== undefined
      ? pairs(record, session.version, ttlMs)
      : versioned
        ? store.compareAndSet(key, record, session.version, ttlMs)
        : store.set(key, record, ttlMs);
  const written = await (saving === undefined ? writing : endWhen(saving, writing));
  if (!versioned) return;
  if (!written) throw new SessionConflictError(key);
}

/** Reads the session (the lease did not read it). */
function load(ctx: Context, store: Store, key: string): Promise<unknown> {
  const span = ctx.trace?.step("session.load");
  const reading = isSessionStore(store) ? store.getVersioned(key) : store.get(key);
  return Promise.resolve(span === undefined ? reading : endWhen(span, reading));
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
  // Stryker disable next-line ConditionalExpression: equivalent as `true` — hasDialog only skips expire() on records that have no dialog
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

/** Appends the user's text now and every bot text sent from here on, keeping the last `max`. */
function recordTurns(ctx: Context, record: SessionRecord<unknown>, max: number): () => void {
  record.history ??= [];
  const turns: Turn[] = record.history;
  const add = (from: Turn["from"], text: string) => {
    turns.push({ from, text, at: Date.now() });
    // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent — splice(0, n ≤ 0) removes nothing
    if (turns.length > max) turns.splice(0, turns.length - max);
  };
  // Stryker disable next-line ConditionalExpression: equivalent as `true` for the update check — only a message has a text
  if (ctx.update === "message" && ctx.text !== undefined) add("user", ctx.text);
  return ctx.tap((body) => {
    if (body.text !== undefined) add("bot", body.text);
  });
}
