/**
 * The in-memory {@link Ledger}: the default for a single process.
 * @module
 */

import { LRUCache } from "lru-cache";
import { randomId } from "../util/id.js";
import { SessionLostError } from "./errors.js";
import { IdWindow } from "./id-window.js";
import { type Claim, isGap, type Ledger, type OpenResult, type OutboxEntry } from "./ledger.js";
import type { LedgerLimits } from "./ledger-limits.js";

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
  /** Bytes of the dedup window (`ids`), counted in `ledgerBytes` too. */
  idBytes: number;
  /** The client message ids seen lately (made on the first id: idle sessions have none). */
  ids: IdWindow | undefined;
  /** The rooms it joined (made on the first join: most sessions join none). */
  rooms: Set<string> | undefined;
}

const toEntry = (entry: Entry): OutboxEntry => ({ seq: entry.seq, frame: entry.frame });

// Shared answers: `claim` runs once per message, and these carry no data.
const NEW: Claim = Object.freeze({ state: "new" });
const PENDING: Claim = Object.freeze({ state: "pending" });
const NONE: ReadonlySet<string> = new Set();

/** Keeps sessions in an LRU with a TTL, so memory stays bounded. */
export class MemoryLedger implements Ledger {
  private readonly sessions: LRUCache<string, SessionRecord>;
  private readonly owners = new Map<string, Set<string>>();
  private readonly rooms = new Map<string, Set<string>>();
  /**
   * Sessions with a live connection. LRU eviction or TTL expiry must not take them from
   * under a connected client (an attacker filling the ledger could otherwise push every
   * idle-but-connected user out); they return to the LRU on their next use.
   */
  private readonly pinned = new Map<string, SessionRecord>();
  /**
   * Bytes of every session held, in the LRU or pinned: outboxes and dedup windows. Bounded
   * by `ledgerBytes` — connected sessions included, so no client can hold memory unbounded
   * by not acknowledging what it receives.
   */
  private totalBytes = 0;
  /**
   * The session looked up last. `claim` and `append` go through the LRU, which refreshes the
   * session's age and recency once per message; `settle`, `release` and `ack`, which follow
   * for the same session, reuse this instead of reading the clock again.
   */
  private lastId: string | undefined;
  private lastRecord: SessionRecord | undefined;

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
      ttl: limits.sessionTtlMs,
      updateAgeOnGet: true,
      dispose: (record, id) => {
        if (id === this.lastId) this.forgetLast();
        // A connected session leaves the LRU but lives on (and is counted) in `pinned`.
        if (this.pinned.has(id)) return;
        this.totalBytes -= record.bytes + record.idBytes;
        this.unindex(record.owner, id);
        for (const room of record.rooms ?? NONE) this.leave(id, room);
      },
    });
  }

  open(request: { session?: string; lastSeq?: number; owner?: string }): OpenResult {
    // Not find(): a resume must see expiry, so it always asks the LRU.
    const existing = request.session === undefined ? undefined : this.load(request.session);
    if (existing !== undefined && existing.owner === request.owner && request.session) {
      this.expire(existing);
      const lastSeq = Math.min(request.lastSeq ?? 0, existing.seq);
      const replay = existing.outbox.filter((e) => e.seq > lastSeq).map(toEntry);
      return {
        session: request.session,
        resumed: true,
        seq: existing.seq,
        gap: lastSeq < existing.lostUpTo || isGap(lastSeq, existing.seq, replay),
        replay,
      };
    }
    const session = randomId(16);
    this.sessions.set(session, {
      owner: request.owner,
      seq: 0,
      lostUpTo: 0,
      outbox: [],
      bytes: 0,
      idBytes: 0,
      // Made on first use: an idle session should not carry an empty hash table.
      ids: undefined,
      rooms: undefined,
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
    const now = Date.now();
    const entry: Entry = { seq, frame, at: now };
    record.outbox.push(entry);
    record.bytes += frame.length;
    this.totalBytes += frame.length;
    while (
      record.outbox.length > this.limits.outboxMessages ||
      (record.bytes > this.limits.outboxBytes && record.outbox.length > 1)
    ) {
      this.dropOldest(record);
    }
    this.expire(record, now);
    this.enforceTotal(record);
    return { seq, frame };
  }

  ack(session: string, seq: number): void {
    const record = this.find(session);
    if (record === undefined) return;
    while (record.outbox.length > 0 && (record.outbox[0] as Entry).seq <= seq) {
      const entry = record.outbox.shift() as Entry;
      record.bytes -= entry.frame.length;
      this.totalBytes -= entry.frame.length;
    }
  }

  claim(session: string, id: string): Claim {
    const record = this.record(session);
    if (record.ids === undefined) record.ids = new IdWindow(this.limits.dedupWindow);
    const seen = record.ids.get(id);
    if (seen === undefined) {
      record.ids.add(id);
      const grown = record.ids.bytes - record.idBytes;
      if (grown !== 0) {
        record.idBytes += grown;
        this.totalBytes += grown;
        this.enforceTotal(record);
      }
      return NEW;
    }
    if (seen === null) return PENDING;
    const wanted = new Set(seen);
    return { state: "done", replies: record.outbox.filter((e) => wanted.has(e.seq)).map(toEntry) };
  }

  settle(session: string, id: string, replySeqs: readonly number[]): void {
    this.find(session)?.ids?.settle(id, replySeqs);
  }

  release(session: string, id: string): void {
    this.find(session)?.ids?.release(id);
  }

  sessionsOf(owner: string): string[] {
    return [...(this.owners.get(owner) ?? [])].filter((id) => this.has(id));
  }

  has(session: string): boolean {
    return this.sessions.has(session) || this.pinned.has(session);
  }

  join(session: string, room: string): void {
    const record = this.record(session);
    record.rooms ??= new Set();
    record.rooms.add(room);
    const members = this.rooms.get(room) ?? new Set<string>();
    this.rooms.set(room, members);
    members.add(session);
  }

  leave(session: string, room: string): void {
    (this.sessions.peek(session) ?? this.pinned.get(session))?.rooms?.delete(room);
    const members = this.rooms.get(room);
    members?.delete(session);
    if (members?.size === 0) this.rooms.delete(room);
  }

  members(room: string): string[] {
    return [...(this.rooms.get(room) ?? [])];
  }

  roomsOf(session: string): string[] {
    return [...(this.find(session)?.rooms ?? [])];
  }

  /** Keeps a session while a connection uses it (called by the bot as peers attach). */
  pin(session: string): void {
    const record = this.find(session);
    if (record !== undefined) this.pinned.set(session, record);
  }

  /** Ends `pin`: the session is an ordinary LRU entry again (or gone, if it was evicted). */
  unpin(session: string): void {
    const record = this.pinned.get(session);
    if (record === undefined) return;
    this.pinned.delete(session);
    if (this.sessions.has(session)) return;
    this.totalBytes -= record.bytes + record.idBytes;
    if (session === this.lastId) this.forgetLast();
    this.unindex(record.owner, session);
    for (const room of record.rooms ?? NONE) this.leave(session, room);
  }

  /** The session's record, from the LRU or, for a connected session it evicted, from `pinned`. */
  private find(session: string): SessionRecord | undefined {
    return session === this.lastId ? this.lastRecord : this.load(session);
  }

  /** `find` without the shortcut through the last answer. */
  private load(session: string): SessionRecord | undefined {
    let record = this.sessions.get(session);
    if (record === undefined) {
      record = this.pinned.get(session);
      if (record === undefined) return undefined;
      // Back from `pinned` (already counted there) into the LRU.
      this.sessions.set(session, record);
    }
    this.lastId = session;
    this.lastRecord = record;
    return record;
  }

  private forgetLast(): void {
    this.lastId = undefined;
    this.lastRecord = undefined;
  }

  /** The record for a write that starts a message's work: through the LRU, which keeps it fresh. */
  private record(session: string): SessionRecord {
    const record = this.load(session);
    if (record === undefined) throw new SessionLostError(session);
    return record;
  }

  /**
   * Keeps everything held under `ledgerBytes`: first forgets idle sessions, least recently
   * used first (`current` was just used, so it goes last; a connected one only leaves the
   * LRU); when only connected sessions are left, trims the largest outbox — its client had
   * those messages pushed live, and a resume that needs one reports a gap.
   */
  private enforceTotal(current: SessionRecord): void {
    const cap = this.limits.ledgerBytes;
    while (this.totalBytes > cap && this.sessions.size > 1) this.sessions.pop();
    while (this.totalBytes > cap) {
      // Each session keeps its newest message (it may not even have been pushed yet).
      let worst: SessionRecord | undefined;
      for (const record of [current, ...this.pinned.values()]) {
        if (record.outbox.length > 1 && record.bytes > (worst?.bytes ?? -1)) worst = record;
      }
      if (worst === undefined) return;
      this.dropOldest(worst);
    }
  }

  private expire(record: SessionRecord, now = Date.now()): void {
    const cutoff = now - this.limits.outboxAgeMs;
    while (record.outbox.length > 0 && (record.outbox[0] as Entry).at < cutoff) {
      this.dropOldest(record);
    }
  }

  private dropOldest(record: SessionRecord): void {
    const entry = record.outbox.shift() as Entry;
    record.bytes -= entry.frame.length;
    this.totalBytes -= entry.frame.length;
    record.lostUpTo = Math.max(record.lostUpTo, entry.seq);
  }

  private unindex(owner: string | undefined, session: string): void {
    if (owner === undefined) return;
    const set = this.owners.get(owner);
    set?.delete(session);
    if (set?.size === 0) this.owners.delete(owner);
  }
}
