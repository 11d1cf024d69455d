/**
 * RedisLedger: protocol state (seq, outbox, dedup ids, owners, rooms) in Redis, so a
 * client can resume on any node and a re-sent message is handled once cluster-wide.
 * @module
 */

import type { Redis } from "ioredis";
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
import { APPEND, CLAIM, MEMBERS, RELEASE, RENEW, SETTLE } from "./ledger-scripts.js";

/** Options of {@link RedisLedger}. */
export interface RedisLedgerOptions {
  /**
   * Prefix of every key.
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
 * sessions expire after `sessionTtlMs`.
 *
 * @example
 * ```ts
 * const redis = new Redis();
 * const bot = new Bot({ ledger: new RedisLedger(redis), broker: new RedisBroker(redis.duplicate(), redis.duplicate()) });
 * ```
 */
export class RedisLedger implements Ledger {
  private readonly p: string;
  private readonly ttl: number;
  private readonly maxOutbox: number;
  private readonly window: number;
  private readonly lease: number;
  private readonly timeoutMs: number;

  /**
   * @param redis - an ioredis client (not in subscriber mode)
   * @param options - key prefix, limits and claim lease
   */
  constructor(
    private readonly redis: Redis,
    options: RedisLedgerOptions = {},
  ) {
    this.p = options.prefix ?? "botwire:";
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
  }

  /** How long a claim on a message id holds unless renewed (`claimLeaseMs`). */
  get claimLeaseMs(): number {
    return this.lease;
  }

  private key(kind: string, id: string): string {
    return `${this.p}${kind}:${id}`;
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
    if (request.session !== undefined) {
      const sess = this.key("sess", request.session);
      const [storedOwner, seqText, lostText] = await this.redis.hmget(sess, "owner", "seq", "lost");
      if (storedOwner !== null && storedOwner === owner) {
        const seq = Number(seqText ?? 0);
        const lastSeq = Math.min(request.lastSeq ?? 0, seq);
        const out = this.key("out", request.session);
        const frames = await this.redis.zrangebyscore(out, `(${lastSeq}`, "+inf");
        await this.touch(request.session, owner);
        const replay = frames.map((frame) => ({ seq: seqOf(frame), frame }));
        return {
          session: request.session,
          resumed: true,
          seq,
          gap: lastSeq < Number(lostText ?? 0) || isGap(lastSeq, seq, replay),
          replay,
        };
      }
    }
    const session = randomId(16);
    const multi = this.redis
      .multi()
      .hset(this.key("sess", session), "owner", owner, "seq", 0, "lost", 0)
      .pexpire(this.key("sess", session), this.ttl);
    if (owner !== "") {
      multi.sadd(this.key("user", owner), session).pexpire(this.key("user", owner), this.ttl);
    }
    await multi.exec();
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
          3,
          this.key("sess", session),
          this.key("out", session),
          this.key("seen", session),
          prefix,
          suffix,
          this.maxOutbox,
          this.ttl,
          replyTo ?? "",
        ),
      ),
    );
    if (seq < 0) throw new SessionLostError(session);
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
      2,
      this.key("seen", session),
      this.key("seenq", session),
      id,
      Date.now(),
      this.lease,
      this.window,
      this.ttl,
    )) as [string, string?];
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

  async sessionsOf(owner: string): Promise<string[]> {
    const members = this.redis.eval(MEMBERS, 1, this.key("user", owner), this.key("sess", ""));
    return (await this.timed("sessionsOf", members)) as string[];
  }

  async has(session: string): Promise<boolean> {
    return (await this.timed("has", this.redis.exists(this.key("sess", session)))) === 1;
  }

  async join(session: string, room: string): Promise<void> {
    const multi = this.redis
      .multi()
      .sadd(this.key("room", room), session)
      .sadd(this.key("rooms", session), room)
      .pexpire(this.key("rooms", session), this.ttl);
    await this.timed("join", multi.exec());
  }

  async leave(session: string, room: string): Promise<void> {
    const multi = this.redis
      .multi()
      .srem(this.key("room", room), session)
      .srem(this.key("rooms", session), room);
    await this.timed("leave", multi.exec());
  }

  async members(room: string): Promise<string[]> {
    const members = this.redis.eval(MEMBERS, 1, this.key("room", room), this.key("sess", ""));
    return (await this.timed("members", members)) as string[];
  }

  async roomsOf(session: string): Promise<string[]> {
    return this.timed("roomsOf", this.redis.smembers(this.key("rooms", session)));
  }

  /** Extends the expiry of a session's keys (on resume). */
  private async touch(session: string, owner: string): Promise<void> {
    const multi = this.redis.multi();
    for (const kind of ["sess", "out", "seen", "seenq", "rooms"]) {
      multi.pexpire(this.key(kind, session), this.ttl);
    }
    // The user's set of sessions lives as long as its most recently resumed session.
    if (owner !== "") multi.pexpire(this.key("user", owner), this.ttl);
    await multi.exec();
  }
}

function seqOf(frame: string): number {
  const match = /"seq":(\d+)/.exec(frame);
  return match === null ? 0 : Number(match[1]);
}
