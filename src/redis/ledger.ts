/**
 * RedisLedger: protocol state (seq, outbox, dedup ids, owners, rooms) in Redis, so a
 * client can resume on any node and a re-sent message is handled once cluster-wide. Every
 * operation on one session is one command, script or MULTI on that session's slot (see
 * keys.ts); rooms and the user index are done slot by slot (see ledger-sets.ts), so it runs
 * on a single Redis and on a Redis Cluster alike.
 * @module
 */

import { DEFAULT_LIMITS, type Limits } from "../core/limits.js";
import { SessionLostError } from "../storage/errors.js";
import {
  type Claim,
  isGap,
  type Ledger,
  type OpenResult,
  type OutboxEntry,
} from "../storage/ledger.js";
import { randomId } from "../util/id.js";
import { commandTimeout, withDeadline } from "./deadline.js";
import { isSessionId, LedgerKeys, type RedisClient, type SessionKeyKind } from "./keys.js";
import { APPEND, CLAIM, RELEASE, RENEW, RESUME, SETTLE } from "./ledger-scripts.js";
import { execAll, LedgerSets } from "./ledger-sets.js";
import { SeqFloors } from "./seq-floors.js";

/** Options of {@link RedisLedger}. */
export interface RedisLedgerOptions {
  /**
   * Prefix of every key: a session's keys are `<prefix>{<session>}:sess`, `…:out`,
   * `…:seen`, `…:seenq` and `…:rooms` (one Redis Cluster slot per session), a room's set
   * `<prefix>room:{<room>}`, a user's `<prefix>user:{<user id>}`. Keep `{` and `}` out of
   * it: a hash tag in the prefix would put every key in one slot.
   * @default "botwire:"
   */
  prefix?: string;
  /** Outbox, dedup and TTL limits (`outboxMessages`, `dedupWindow`, `sessionTtlMs`). */
  limits?: Partial<Pick<Limits, "outboxMessages" | "dedupWindow" | "sessionTtlMs">>;
  /**
   * How long a claim on a message id holds unless renewed. The bot renews it every third of
   * this while the message's handler runs, so only a claim whose node died (or stalled for
   * this long) expires; a re-sent copy is then handled by another node.
   * @default 10000
   */
  claimLeaseMs?: number;
  /**
   * How long one operation (`open`, `append`, `claim`, …) may wait for Redis before it fails
   * with a `RedisTimeoutError`: the client then gets an `internal` error frame (or, for a
   * hello, an error and close 1011) instead of no answer while Redis is frozen or
   * unreachable. `Infinity` turns the deadline off.
   * @default 2000
   */
  commandTimeoutMs?: number;
}

/**
 * A {@link Ledger} in Redis. Give every node of a bot the same one (with a `RedisBroker`),
 * and clients may reconnect to any node. Outbox size is bounded by `outboxMessages`; idle
 * sessions expire after `sessionTtlMs`. Runs on a single Redis or a Redis Cluster: all
 * keys of one session share a hash tag, so its scripts never cross slots.
 *
 * @example
 * ```ts
 * const redis = new Redis(); // or new Cluster([{ host: "10.0.0.1", port: 6379 }, …])
 * const bot = new Bot({ ledger: new RedisLedger(redis), broker: new RedisBroker(redis.duplicate(), redis.duplicate()) });
 * ```
 */
export class RedisLedger implements Ledger {
  private readonly keys: LedgerKeys;
  private readonly sets: LedgerSets;
  private readonly ttl: number;
  private readonly maxOutbox: number;
  private readonly window: number;
  private readonly lease: number;
  private readonly timeoutMs: number;
  /** Seqs this node saw assigned: never assigned again after a failover (seq-floors.ts). */
  private readonly floors = new SeqFloors();

  /**
   * @param redis - an ioredis `Redis` or `Cluster` (not in subscriber mode)
   * @param options - key prefix, limits and claim lease
   */
  constructor(
    private readonly redis: RedisClient,
    options: RedisLedgerOptions = {},
  ) {
    this.keys = new LedgerKeys(options.prefix ?? "botwire:");
    this.ttl = options.limits?.sessionTtlMs ?? DEFAULT_LIMITS.sessionTtlMs;
    this.maxOutbox = options.limits?.outboxMessages ?? DEFAULT_LIMITS.outboxMessages;
    this.window = options.limits?.dedupWindow ?? DEFAULT_LIMITS.dedupWindow;
    this.lease = options.claimLeaseMs ?? 10_000;
    this.timeoutMs = commandTimeout(options.commandTimeoutMs, "RedisLedger");
    for (const [name, value] of Object.entries({
      ttl: this.ttl,
      maxOutbox: this.maxOutbox,
      window: this.window,
      lease: this.lease,
    })) {
      if (!Number.isInteger(value) || value <= 0) {
        throw new RangeError(`RedisLedger: ${name} must be a positive integer, got ${value}`);
      }
    }
    this.sets = new LedgerSets(redis, this.keys, this.ttl);
  }

  /** How long a claim on a message id holds unless renewed (`claimLeaseMs`). */
  get claimLeaseMs(): number {
    return this.lease;
  }

  private key(kind: SessionKeyKind, session: string): string {
    return this.keys.session(session, kind);
  }

  /** Runs an operation, failing with a `RedisTimeoutError` after `commandTimeoutMs`. */
  private timed<T>(method: string, operation: Promise<T>): Promise<T> {
    return withDeadline(operation, this.timeoutMs, `RedisLedger.${method}`);
  }

  open(request: { session?: string; lastSeq?: number; owner?: string }): Promise<OpenResult> {
    return this.timed("open", this.opening(request));
  }

  private async opening(request: {
    session?: string;
    lastSeq?: number;
    owner?: string;
  }): Promise<OpenResult> {
    const owner = request.owner ?? "";
    if (request.session !== undefined && isSessionId(request.session)) {
      const session = request.session;
      const lastSeq = request.lastSeq ?? 0;
      // One script on the session's slot; the owner's set (another slot) is refreshed
      // alongside: if the resume fails, the new session opened below refreshes it anyway.
      const [found] = await Promise.all([
        this.redis.eval(RESUME, 5, ...this.keys.allOf(session), owner, lastSeq, this.ttl),
        owner === "" ? undefined : this.sets.touchOwner(owner),
      ]);
      if (found !== null) {
        const [seq, lost, frames] = found as [number, number, string[]];
        this.floors.note(session, seq);
        const replay = frames.map((frame) => ({ seq: seqOf(frame), frame }));
        const last = Math.min(lastSeq, seq);
        return {
          session,
          resumed: true,
          seq,
          gap: last < lost || isGap(last, seq, replay),
          replay,
        };
      }
    }
    const session = randomId(16);
    const sess = this.key("sess", session);
    await execAll(
      this.redis.multi().hset(sess, "owner", owner, "seq", 0, "lost", 0).pexpire(sess, this.ttl),
    );
    // After the hash exists (see ledger-sets.ts): a listed session without one has expired.
    if (owner !== "") await this.sets.index(owner, session);
    return { session, resumed: false, seq: 0, gap: false, replay: [] };
  }

  async append(
    session: string,
    encode: (seq: number) => string,
    replyTo?: string,
  ): Promise<OutboxEntry> {
    // Encode once with seq 0 and let Redis put the real seq in: the seq is assigned atomically.
    const template = encode(0);
    const marker = '"seq":0';
    const at = template.indexOf(marker);
    if (at === -1) throw new Error("RedisLedger: encoded frame has no seq field");
    const prefix = template.slice(0, at + marker.length - 1);
    const suffix = template.slice(at + marker.length);
    const seq = Number(
      await this.timed(
        "append",
        this.redis.eval(
          APPEND,
          4,
          this.key("sess", session),
          this.key("out", session),
          this.key("seen", session),
          this.key("rooms", session),
          prefix,
          suffix,
          this.maxOutbox,
          this.ttl,
          replyTo ?? "",
          this.floors.of(session),
        ),
      ),
    );
    // Stryker disable next-line EqualityOperator: equivalent as `<=` — APPEND answers -1 or a seq of at least 1, never 0
    if (seq < 0) throw new SessionLostError(session);
    this.floors.note(session, seq);
    return { seq, frame: `${prefix}${seq}${suffix}` };
  }

  async ack(session: string, seq: number): Promise<void> {
    await this.timed("ack", this.redis.zremrangebyscore(this.key("out", session), "-inf", seq));
  }

  claim(session: string, id: string): Promise<Claim> {
    return this.timed("claim", this.claiming(session, id));
  }

  private async claiming(session: string, id: string): Promise<Claim> {
    const result = (await this.redis.eval(
      CLAIM,
      5,
      this.key("seen", session),
      this.key("seenq", session),
      this.key("sess", session),
      this.key("out", session),
      this.key("rooms", session),
      id,
      Date.now(),
      this.lease,
      this.window,
      this.ttl,
    )) as [string, string?];
    if (result[0] === "lost") throw new SessionLostError(session);
    if (result[0] === "new") return { state: "new" };
    if (result[0] === "pending") return { state: "pending" };
    const seqs = JSON.parse(result[1] ?? "[]") as number[];
    const replies: OutboxEntry[] = [];
    for (const seq of seqs) {
      const [frame] = await this.redis.zrangebyscore(this.key("out", session), seq, seq);
      if (frame !== undefined) replies.push({ seq, frame });
    }
    return { state: "done", replies };
  }

  async settle(session: string, id: string, replySeqs: readonly number[]): Promise<void> {
    const seqs = JSON.stringify(replySeqs);
    await this.timed("settle", this.redis.eval(SETTLE, 1, this.key("seen", session), id, seqs));
  }

  /**
   * Extends the lease of a pending claim to `claimLeaseMs` from now, keeping the reply seqs
   * recorded with it. A settled or missing claim is left as it is.
   */
  async renewClaim(session: string, id: string): Promise<void> {
    const seen = this.key("seen", session);
    await this.timed("renewClaim", this.redis.eval(RENEW, 1, seen, id, Date.now(), this.lease));
  }

  async release(session: string, id: string): Promise<void> {
    await this.timed("release", this.redis.eval(RELEASE, 1, this.key("seen", session), id));
  }

  sessionsOf(owner: string): Promise<string[]> {
    return this.timed("sessionsOf", this.sets.sessionsOf(owner));
  }

  async has(session: string): Promise<boolean> {
    if (!isSessionId(session)) return false;
    return (await this.timed("has", this.redis.exists(this.key("sess", session)))) === 1;
  }

  join(session: string, room: string): Promise<void> {
    return this.timed("join", this.sets.join(session, room));
  }

  leave(session: string, room: string): Promise<void> {
    return this.timed("leave", this.sets.leave(session, room));
  }

  members(room: string): Promise<string[]> {
    return this.timed("members", this.sets.members(room));
  }

  memberCount(room: string): Promise<number> {
    return this.timed("memberCount", this.sets.memberCount(room));
  }

  roomsOf(session: string): Promise<string[]> {
    return this.timed("roomsOf", this.sets.roomsOf(session));
  }
}

function seqOf(frame: string): number {
  const match = /"seq":(\d+)/.exec(frame);
  return match === null ? 0 : Number(match[1]);
}
