/**
 * What is written to one connection: outbox entries each once and in seq order, deltas
 * continuing where the connection is in each stream, activities. During the handshake,
 * what arrives live waits until the welcome and the replay are written.
 *
 * Entries can arrive out of order: with many nodes, a node pushes its own entries at once
 * and the others' when the broker brings them, so seq 8 from here may come before seq 7
 * from there. An entry past the next expected seq waits until the ones before it arrived;
 * if they do not come within {@link HOLD_MS} (the broker lost one), the connection is closed
 * with 1013 and the client's resume replays them from the outbox. Internal.
 * @module
 */
import type { OutboxEntry } from "../storage/ledger.js";
import { StreamCursor } from "./cursor.js";

/** How long an entry waits for the seqs before it (see the module comment). */
export const HOLD_MS = 2000;
/** At most this many entries wait; more means the missing one is not coming. */
const MAX_HELD = 256;

/** What may arrive during the handshake: an outbox entry, an activity frame, or a delta. */
type Early = OutboxEntry | string | { stream: string; at: number; text: string; frame: string };

/** The outgoing side of one connection. */
export class Outlet {
  /** Highest seq written; replays and live pushes below it are skipped. */
  private sentSeq = 0;
  /** The client's `lastSeq` at the welcome: it had everything up to there. */
  private base = 0;
  /** What arrived live during the handshake, written after the welcome. */
  private early: Early[] | undefined = [];
  /** Where this connection is in each open stream; made on the first delta. */
  private cursor: StreamCursor | undefined;
  /** Entries that came before the seqs preceding them, by seq; and how long they may wait. */
  private held: Map<number, OutboxEntry> | undefined;
  private holdTimer: ReturnType<typeof setTimeout> | undefined;

  /**
   * @param write - writes a frame to the connection
   * @param resync - closes the connection so that its client resumes (a seq never came)
   */
  constructor(
    private readonly write: (frame: string) => void,
    private readonly resync: () => void,
  ) {}

  /** Sends an outbox entry unless this connection already has it, in seq order. */
  push(entry: OutboxEntry): void {
    if (this.early !== undefined) {
      this.early.push(entry);
      return;
    }
    if (entry.seq <= this.sentSeq) return;
    if (entry.seq > this.sentSeq + 1) return this.hold(entry);
    this.sentSeq = entry.seq;
    this.write(entry.frame);
    if (this.held !== undefined) this.release();
  }

  private hold(entry: OutboxEntry): void {
    this.held ??= new Map();
    this.held.set(entry.seq, entry);
    if (this.held.size > MAX_HELD) return this.resync();
    if (this.holdTimer === undefined) {
      this.holdTimer = setTimeout(() => this.resync(), HOLD_MS);
      (this.holdTimer as { unref?: () => void }).unref?.();
    }
  }

  /** Writes the held entries that now follow on. */
  private release(): void {
    const held = this.held as Map<number, OutboxEntry>;
    for (
      let next = held.get(this.sentSeq + 1);
      next !== undefined;
      next = held.get(this.sentSeq + 1)
    ) {
      held.delete(next.seq);
      this.sentSeq = next.seq;
      this.write(next.frame);
    }
    if (held.size > 0) return;
    this.held = undefined;
    clearTimeout(this.holdTimer);
    this.holdTimer = undefined;
  }

  /** How many entries were written after `acked` (telemetry's backlog gauge). */
  unacked(acked: number): number {
    return this.early === undefined ? Math.max(0, this.sentSeq - Math.max(acked, this.base)) : 0;
  }

  /** Sends an ephemeral frame (an activity). */
  ephemeral(frame: string): void {
    if (this.early !== undefined) this.early.push(frame);
    else this.write(frame);
  }

  /** Sends a stream's delta, minus what this connection already has. */
  delta(stream: string, at: number, text: string, frame: string): void {
    if (this.early !== undefined) {
      this.early.push({ stream, at, text, frame });
      return;
    }
    this.cursor ??= new StreamCursor();
    const out = this.cursor.next(stream, at, text, frame);
    if (out !== undefined) this.write(out);
  }

  /** A stream's final message went out: its deltas are over. */
  endStream(stream: string): void {
    this.cursor?.end(stream);
  }

  /** What arrived so far belongs to another session (a refused resume): forget it. */
  discard(): void {
    if (this.early !== undefined) this.early = [];
  }

  /** The connection closed: nothing more is kept. */
  close(): void {
    this.early = undefined;
    this.held = undefined;
    clearTimeout(this.holdTimer);
  }

  /**
   * The welcome is written: `replay` (the outbox after `lastSeq`, up to `seq`, the highest
   * assigned) and `snapshots` (all text so far of each open stream) go out, then what
   * waited, and from now on everything as it comes.
   */
  open(
    lastSeq: number,
    seq: number,
    replay: readonly OutboxEntry[],
    snapshots: readonly { id: string; text: string }[],
  ): void {
    const early = this.early ?? [];
    this.early = undefined;
    this.sentSeq = lastSeq;
    this.base = lastSeq;
    for (const entry of replay) {
      if (entry.seq <= this.sentSeq) continue;
      this.sentSeq = entry.seq;
      this.write(entry.frame);
    }
    // Up to `seq` the replay is all there is (what is missing was dropped: the welcome said
    // `gap`); live entries continue after it.
    this.sentSeq = Math.max(this.sentSeq, seq);
    for (const { id, text } of snapshots) {
      this.cursor ??= new StreamCursor();
      const frame = this.cursor.snapshot(id, text);
      if (text.length > 0) this.write(frame);
    }
    for (const item of early) {
      if (typeof item === "string") this.write(item);
      else if ("seq" in item) this.push(item);
      else this.delta(item.stream, item.at, item.text, item.frame);
    }
  }
}
