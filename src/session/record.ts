/**
 * A session record as read from its store: when the handlers' copy is made, whether it
 * changed, and how long it lives.
 * @module
 */
import type { Context } from "../core/context.js";
import type { ResolvedSessionOptions } from "./options.js";
import type { SessionRecord } from "./types.js";

/**
 * A session read from its store. The handlers' copy of the record is made when they first
 * look at it (`ctx.session`, `ctx.history`, `ctx.dialog`): an update that never does cannot
 * have changed it, and costs no copy, no comparison and no write.
 */
export class Loaded<S> {
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
export function fresh<S, C extends Context>(
  config: ResolvedSessionOptions<S, C>,
  snapshot: (record: SessionRecord<S>) => unknown,
): (loaded: Loaded<S>) => SessionRecord<S> {
  return (loaded) => {
    const record: SessionRecord<S> = { data: config.initial() };
    loaded.before = snapshot(record);
    return record;
  };
}

/** Checks that a stored value is a session record. */
export function toRecord<S>(value: unknown, key: string): SessionRecord<S> | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "object" || value === null || !("data" in value)) {
    throw new TypeError(`session(): the value under "${key}" is not a session record`);
  }
  return value as SessionRecord<S>;
}

/**
 * How long the session's data lives: `ttlMs` when given; else, for an anonymous session
 * (keyed by the protocol session id), as long as its protocol session can be resumed — so
 * it neither outlives it in a shared store nor vanishes while the client can still resume.
 */
export function ttlOf(ctx: Context, key: string, config: { ttlMs: number | undefined }) {
  return config.ttlMs ?? (key === ctx.sessionId ? ctx.services?.sessionTtlMs : undefined);
}

/**
 * Whether a stored record with a TTL must be written back although unchanged: a session in
 * use keeps its data alive as long as its protocol session lives, so once half its TTL has
 * passed since the last write, the next update renews it.
 */
export function refreshDue(stored: SessionRecord<unknown> | undefined, ttlMs: number | undefined) {
  return (
    ttlMs !== undefined && stored !== undefined && !((stored.at ?? 0) > Date.now() - ttlMs / 2)
  );
}
