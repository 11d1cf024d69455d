/**
 * The ledger keeps protocol state per session: the seq counter, the outbox of unacknowledged
 * bot messages, the ids of handled client messages (dedup) and the session's owner.
 * The default lives in memory; a shared store (Redis) provides one for many nodes.
 * @module
 */

import type { MaybePromise } from "../util/types.js";
import type { LedgerLimits } from "./ledger-limits.js";

/** A bot message kept for replay: its seq and its encoded frame. */
export interface OutboxEntry {
  /** The message's sequence number. */
  seq: number;
  /** The encoded `message` frame, ready to send. */
  frame: string;
}

/** The result of opening (creating or resuming) a session. */
export interface OpenResult {
  /** The session id (new unless resumed). */
  session: string;
  /** Whether the requested session was resumed. */
  resumed: boolean;
  /** The highest seq assigned so far. */
  seq: number;
  /** True when messages after `lastSeq` were dropped and cannot be replayed. */
  gap: boolean;
  /** The frames after `lastSeq`, oldest first. */
  replay: OutboxEntry[];
}

/** What `claim` found for a client message id. */
export type Claim =
  | {
      /** Never seen: handle it. */
      state: "new";
    }
  | {
      /** Being handled right now (by another connection, maybe on another node). */
      state: "pending";
    }
  | {
      /** Already handled. */
      state: "done";
      /** Its replies that are still in the outbox (maybe none). */
      replies: OutboxEntry[];
    };

/** Protocol state storage. Every method may be sync or async. */
export interface Ledger {
  /**
   * Resumes `request.session` if it exists and belongs to `request.owner` (both may be
   * undefined), else creates a new session with an unguessable id.
   */
  open(request: { session?: string; lastSeq?: number; owner?: string }): MaybePromise<OpenResult>;
  /**
   * Assigns the next seq, encodes the frame with `encode(seq)` and stores it in the outbox.
   * `replyTo` is the id of the client message being handled when this is a reply to it: a
   * ledger shared by many nodes records the seq with that id's claim in the same step, so
   * that if the node dies before `settle`, the node that takes the claim over replays the
   * replies instead of running the handler a second time.
   */
  append(
    session: string,
    encode: (seq: number) => string,
    replyTo?: string,
  ): MaybePromise<OutboxEntry>;
  /** Drops outbox entries up to and including `seq`. */
  ack(session: string, seq: number): MaybePromise<void>;
  /** Marks a client message id as being handled, or reports that it was seen before. */
  claim(session: string, id: string): MaybePromise<Claim>;
  /** Records the seqs of the replies to a handled message id (after `claim` said "new"). */
  settle(session: string, id: string, replySeqs: readonly number[]): MaybePromise<void>;
  /** Forgets a claim whose handling failed before it produced anything, so a retry runs it. */
  release(session: string, id: string): MaybePromise<void>;
  /**
   * Optional, only for ledgers whose claims expire (a lease, so that a message whose node
   * died is taken over): extends a pending claim's lease while its handler runs. The bot
   * calls it every third of {@link Ledger.claimLeaseMs} while a message's handling is
   * asynchronous. It must leave a settled claim as it is, never create a claim, and keep
   * the reply seqs recorded with the claim. A failure is logged and otherwise ignored.
   */
  renewClaim?(session: string, id: string): MaybePromise<void>;
  /**
   * Optional: how long a claim holds before it expires, in milliseconds. Sets how often the
   * bot calls {@link Ledger.renewClaim} (every third of it; 10 000 when not given).
   */
  readonly claimLeaseMs?: number;
  /** The live (not expired) sessions owned by a user id. */
  sessionsOf(owner: string): MaybePromise<string[]>;
  /** Whether a session exists. */
  has(session: string): MaybePromise<boolean>;
  /** Adds a session to a room (idempotent). */
  join(session: string, room: string): MaybePromise<void>;
  /** Removes a session from a room (idempotent). */
  leave(session: string, room: string): MaybePromise<void>;
  /** The live sessions in a room. */
  members(room: string): MaybePromise<string[]>;
  /**
   * Optional: how many sessions a room holds, without listing them (for `bot.census()`). It
   * may count sessions that expired and were not swept out yet; without it the census
   * counts `members(room)`.
   */
  memberCount?(room: string): MaybePromise<number>;
  /** The rooms a session is in. */
  roomsOf(session: string): MaybePromise<string[]>;
  /**
   * Optional: the bot calls this when a session gets its first live connection on this
   * node, so an in-process ledger does not evict it while it is in use.
   */
  pin?(session: string): void;
  /** Optional: the session's last live connection on this node closed. */
  unpin?(session: string): void;
}

/**
 * A store that can also hold protocol state. When `new Bot({ store })` gets one and no
 * `ledger`, the bot keeps its ledger in that store (`RedisStore` does this), so one option
 * makes sessions, outbox, dedup ids and rooms shared across nodes.
 */
export interface LedgerFactory {
  /** Creates a ledger that keeps its data in this store, with the bot's limits. */
  createLedger(limits: LedgerLimits): Ledger;
}

/** True when `value` has a `createLedger` method. */
export function isLedgerFactory(value: unknown): value is LedgerFactory {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as Partial<LedgerFactory>).createLedger === "function"
  );
}

/**
 * Whether a resume after `lastSeq` misses messages: the replay does not continue at
 * `lastSeq + 1` although the session went further. Besides messages the outbox dropped
 * (limits, age), this catches those another connection of the session acked (another tab):
 * they are gone from the outbox, and the resuming connection must hear so.
 */
export function isGap(
  lastSeq: number,
  seq: number,
  replay: readonly { readonly seq: number }[],
): boolean {
  return lastSeq < seq && replay[0]?.seq !== lastSeq + 1;
}
