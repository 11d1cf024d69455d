/**
 * The in-memory {@link Ledger}: the default for a single process.
 * @module
 */

import { LRUCache } from "lru-cache";
import { SessionLostError } from "./errors.js";
import { randomId } from "./id.js";
import type { Claim, Ledger, OpenResult, OutboxEntry } from "./ledger.js";
import type { Limits } from "./limits.js";

interface Entry extends OutboxEntry {
  at: number;
}

interface SessionRecord {
  owner: string | undefined;
  seq: number;
  /** Highest seq dropped from the outbox without an ack (limits or age): a resume below it has a gap. */
  lostUpTo: number;
  outbox: Entry[];
  bytes: number;
  /** Client message id → reply seqs, or null while being handled. Insertion-ordered for eviction. */
  seen: Map<string, number[] | null> | undefined;
  /**
   * A live iterator over `seen` that stays at its oldest entry. A fresh `keys()` per eviction
   * walks every deleted slot at the front of the Map's table each time (hot in profiles).
   */
  oldest?: MapIterator<string>;
  rooms: Set<string>;
}

function toEntry(entry: Entry): OutboxEntry {
  return { seq: entry.seq, frame: entry.frame };
}

/** The limits a {@link MemoryLedger} uses. */
export type LedgerLimits = Pick<
  Limits,
  "outboxMessages" | "outboxBytes" | "outboxAgeMs" | "dedupWindow" | "sessionTtlMs" | "ledgerBytes"
>;

/** Keeps sessions in an LRU with a TTL, so memory stays bounded. */
export class MemoryLedger implements Ledger {
  private readonly sessions: LRUCache<string, SessionRecord>;
  private readonly owners = new Map<string, Set<string>>();
  private readonly rooms = new Map<string, Set<string>>();

  /**
   * @param limits - outbox, dedup and TTL limits
   * @param maxSessions - most sessions kept at once (least recently used go first)
   */
  constructor(
    private readonly limits: LedgerLimits,
    maxSessions = 100_000,
  ) {
    this.sessions = new LRUCache<string, SessionRecord>({
      max: maxSessions,
      // Bound the memory of all outboxes together, not only per session.
      maxSize: limits.ledgerBytes,
      sizeCalculation: (record) => record.bytes + 256,
      ttl: limits.sessionTtlMs,
      updateAgeOnGet: true,
      dispose: (record, id, reason) => {
        // A re-set of the same session (to update its size) is not a removal.
        if (reason === "set") return;
        this.unindex(record.owner, id);
        for (const room of record.rooms) this.leave(id, room);
      },
    });
  }

  open(request: { session?: string; lastSeq?: number; owner?: string }): OpenResult {
    const existing = request.session === undefined ? undefined : this.sessions.get(request.session);
    if (existing !== undefined && existing.owner === request.owner && request.session) {
      this.expire(existing);
      const lastSeq = Math.min(request.lastSeq ?? 0, existing.seq);
      return {
        session: request.session,
        resumed: true,
        seq: existing.seq,
        gap: lastSeq < existing.lostUpTo,
        replay: existing.outbox.filter((e) => e.seq > lastSeq).map(toEntry),
      };
    }
    const session = randomId(16);
    this.sessions.set(session, {
      owner: request.owner,
      seq: 0,
      lostUpTo: 0,
      outbox: [],
      bytes: 0,
      // Made on the first message id: an idle session should not carry an empty hash table.
      seen: undefined,
      rooms: new Set(),
    });
    if (request.owner !== undefined) {
      const set = this.owners.get(request.owner) ?? new Set<string>();
      this.owners.set(request.owner, set);
      set.add(session);
    }
    return { session, resumed: false, seq: 0, gap: false, replay: [] };
  }

  append(session: string, encode: (seq: number) => string): OutboxEntry {
    const record = this.record(session);
    const seq = ++record.seq;
    const frame = encode(seq);
    const entry: Entry = { seq, frame, at: Date.now() };
    record.outbox.push(entry);
    record.bytes += frame.length;
    while (
      record.outbox.length > this.limits.outboxMessages ||
      (record.bytes > this.limits.outboxBytes && record.outbox.length > 1)
    ) {
      this.dropOldest(record);
    }
    this.expire(record);
    // lru-cache recomputes a size only for a new value: re-set a shallow copy, which may
    // evict the least recently used sessions.
    this.sessions.set(session, { ...record });
    return { seq, frame };
  }

  ack(session: string, seq: number): void {
    const record = this.sessions.get(session);
    if (record === undefined) return;
    while (record.outbox.length > 0 && (record.outbox[0] as Entry).seq <= seq) {
      const entry = record.outbox.shift() as Entry;
      record.bytes -= entry.frame.length;
    }
  }

  claim(session: string, id: string): Claim {
    const record = this.record(session);
    record.seen ??= new Map();
    const seen = record.seen.get(id);
    if (seen === undefined) {
      record.seen.set(id, null);
      if (record.seen.size > this.limits.dedupWindow) {
        // Every key before the iterator's position has been deleted and new keys go to the
        // end, so its next key is the oldest one left, as `seen.keys().next()` would give.
        record.oldest ??= record.seen.keys();
        record.seen.delete(record.oldest.next().value as string);
      }
      return { state: "new" };
    }
    if (seen === null) return { state: "pending" };
    const wanted = new Set(seen);
    return { state: "done", replies: record.outbox.filter((e) => wanted.has(e.seq)).map(toEntry) };
  }

  settle(session: string, id: string, replySeqs: readonly number[]): void {
    const record = this.sessions.get(session);
    if (record?.seen?.has(id)) record.seen.set(id, [...replySeqs]);
  }

  release(session: string, id: string): void {
    const record = this.sessions.get(session);
    if (record?.seen?.get(id) === null) record.seen.delete(id);
  }

  sessionsOf(owner: string): string[] {
    const set = this.owners.get(owner);
    if (set === undefined) return [];
    return [...set].filter((id) => this.sessions.has(id));
  }

  has(session: string): boolean {
    return this.sessions.has(session);
  }

  join(session: string, room: string): void {
    this.record(session).rooms.add(room);
    const members = this.rooms.get(room) ?? new Set<string>();
    this.rooms.set(room, members);
    members.add(session);
  }

  leave(session: string, room: string): void {
    this.sessions.peek(session)?.rooms.delete(room);
    const members = this.rooms.get(room);
    members?.delete(session);
    if (members?.size === 0) this.rooms.delete(room);
  }

  members(room: string): string[] {
    return [...(this.rooms.get(room) ?? [])];
  }

  roomsOf(session: string): string[] {
    return [...(this.sessions.get(session)?.rooms ?? [])];
  }

  private record(session: string): SessionRecord {
    const record = this.sessions.get(session);
    if (record === undefined) throw new SessionLostError(session);
    return record;
  }

  private expire(record: SessionRecord): void {
    const cutoff = Date.now() - this.limits.outboxAgeMs;
    while (record.outbox.length > 0 && (record.outbox[0] as Entry).at < cutoff) {
      this.dropOldest(record);
    }
  }

  private dropOldest(record: SessionRecord): void {
    const entry = record.outbox.shift() as Entry;
    record.bytes -= entry.frame.length;
    record.lostUpTo = Math.max(record.lostUpTo, entry.seq);
  }

  private unindex(owner: string | undefined, session: string): void {
    if (owner === undefined) return;
    const set = this.owners.get(owner);
    set?.delete(session);
    if (set?.size === 0) this.owners.delete(owner);
  }
}
