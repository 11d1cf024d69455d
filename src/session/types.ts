/**
 * Public types of the session middleware.
 * @module
 */
import type { Context } from "../core/context.js";
import type { DialogControl, DialogRecord } from "../dialog/types.js";
import type { Store } from "../storage/store.js";
import type { MaybePromise } from "../util/types.js";

/** One turn of the conversation, as kept in `ctx.history`. */
export interface Turn {
  /** Who said it. */
  from: "user" | "bot";
  /** The text. */
  text: string;
  /** When (milliseconds since the epoch). */
  at: number;
}

/**
 * Adds `ctx.session`, `ctx.history` and `ctx.dialog` to a context type.
 * @typeParam S - the shape of the session data
 * @example
 * ```ts
 * type MyContext = Context & SessionFlavor<{ count: number }>;
 * const bot = new Bot<MyContext>();
 * bot.use(session({ initial: () => ({ count: 0 }) }));
 * bot.on("message", (ctx) => ctx.reply(String(++ctx.session.count)));
 * ```
 */
export interface SessionFlavor<S> {
  /** The session data: read, mutate or replace it; saved when the handler succeeds. */
  session: S;
  /** The last turns of the conversation, oldest first (empty unless `history` is set). */
  readonly history: readonly Turn[];
  /** Dialog control; its state is kept in the session. */
  readonly dialog: DialogControl;
}

/** Options of {@link session}. */
export interface SessionOptions<S, C extends Context = Context> {
  /** Creates the data of a new session. Called for every session not in the store yet. */
  initial: () => S;
  /**
   * Where sessions are kept. A store with the `SessionStore` methods (MemoryStore,
   * RedisStore) gives the no-lost-write guarantee across processes too.
   * @default the bot's store (`new Bot({ store })`), itself a `MemoryStore` by default
   */
  store?: Store;
  /**
   * Delete a session that has not been written for this long. The expiry restarts on every
   * write: a change, or a renewal (an unchanged session is written back by the first update
   * after half its `ttlMs`, so a session in use does not expire).
   * @default none for a session keyed by a user id or your `getKey` (kept until the store
   *   evicts it); the bot's `limits.sessionTtlMs` (24 h) for one keyed by the protocol session
   */
  ttlMs?: number;
  /**
   * How many turns (user and bot texts) `ctx.history` keeps. 0 turns history off.
   * @default 0
   */
  history?: number;
  /**
   * Which session an update belongs to. Return `undefined` for no session (reading
   * `ctx.session` then throws).
   * @default `user:<id>` when `ctx.user` has an `id` (set by `auth()`), else `ctx.sessionId`
   */
  getKey?: (ctx: C) => MaybePromise<string | undefined>;
  /** The cross-process lock, used with a `SessionStore`; see {@link SessionLockOptions}. */
  lock?: SessionLockOptions;
}

/** Timing of the lock `session()` takes on a `SessionStore` around each update. */
export interface SessionLockOptions {
  /**
   * How long a lease lasts unless renewed. It is renewed every third of this while the
   * handler runs, so it only lapses when a process stalls or loses the store.
   * @default 10000
   */
  leaseMs?: number;
  /**
   * How long to wait for another holder before the update fails (`internal` error frame,
   * `SessionLockTimeoutError` in `bot.catch`).
   * @default 30000
   */
  waitMs?: number;
}

/** @internal What session() stores under a key. */
export interface SessionRecord<S> {
  data: S;
  history?: Turn[];
  dialog?: DialogRecord;
  /** When the record was last written (epoch ms), for records that expire. */
  at?: number;
}
