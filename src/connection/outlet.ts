/**
 * What is written to one connection: outbox entries each once and in seq order, deltas
 * continuing where the connection is in each stream, activities. During the handshake,
 * what arrives live waits until the welcome and the replay are written. Internal.
 * @module
 */
import type { OutboxEntry } from "../storage/ledger.js";
import { StreamCursor } from "./cursor.js";

/** What may arrive during the handshake: an outbox entry, an activity frame, or a delta. */
type Early = OutboxEntry | string | { stream: string; at: number; text: string; frame: string };

/** The outgoing side of one connection. */
export class Outlet {
  /** Highest seq written; replays and live pushes below it are skipped. */
  private sentSeq = 0;
  /** What arrived live during the handshake, written after the welcome. */
  private early: Early[] | undefined = [];
  /** Where this connection is in each open stream; made on the first delta. */
  private cursor: StreamCursor | undefined;

  /** @param write - writes a frame to the connection */
  constructor(private readonly write: (frame: string) => void) {}

  /** Sends an outbox entry unless this connection already has it. */
  push(entry: OutboxEntry): void {
    if (this.early !== undefined) {
      this.early.push(entry);
      return;
    }
    if (entry.seq <= this.sentSeq) return;
    this.sentSeq = entry.seq;
    this.write(entry.frame);
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

  /** What arrived so far belongs to another session (a refused resume): forget it. */
  discard(): void {
    if (this.early !== undefined) this.early = [];
  }

  /** The connection closed: nothing more is kept. */
  close(): void {
    this.early = undefined;
  }

  /**
   * The welcome is written: `replay` (the outbox after `lastSeq`) and `snapshots` (all text
   * so far of each open stream) go out, then what waited, and from now on everything at once.
   */
  open(
    lastSeq: number,
    replay: readonly OutboxEntry[],
    snapshots: readonly { id: string; text: string }[],
  ): void {
    const early = this.early ?? [];
    this.early = undefined;
    this.sentSeq = lastSeq;
    for (const entry of replay) this.push(entry);
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
