/**
 * Tracks the highest received `seq` and sends cumulative acks in batches: after `ackEvery`
 * messages or `ackDelayMs` after the first unacknowledged one, whichever comes first.
 * @module
 */

/** Receive-side sequence tracking and batched acks. */
export class Acker {
  private seq = 0;
  private acked = 0;
  private count = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  /**
   * @param options - `ackEvery` and `ackDelayMs`
   * @param send - writes a frame on the current connection; false while offline
   */
  constructor(
    private readonly options: { ackEvery: number; ackDelayMs: number },
    private readonly send: (frame: string) => boolean,
  ) {}

  /** The highest seq received. */
  get lastSeq(): number {
    return this.seq;
  }

  /** Starts from a seq received earlier (a session resumed from storage). */
  resumeFrom(seq: number): void {
    this.seq = seq;
    this.acked = seq;
  }

  /** Records a received seq; false for a duplicate (≤ the highest seen), which must be ignored. */
  receive(seq: number): boolean {
    if (seq <= this.seq) return false;
    this.seq = seq;
    if (++this.count >= this.options.ackEvery) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.options.ackDelayMs);
    return true;
  }

  /** Sends an ack now if anything is unacknowledged. */
  flush(): void {
    this.cancel();
    if (this.seq <= this.acked) return;
    // Offline, the ack is simply owed: it goes out after the next welcome.
    if (this.send(JSON.stringify({ type: "ack", seq: this.seq }))) this.acked = this.seq;
  }

  /** Stops the pending timer (the connection is gone); what is unacked is acked after resume. */
  cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.count = 0;
  }

  /**
   * A welcome arrived. A fresh session counts seq from 0 again (messages of the old one are
   * gone). A resumed one keeps its seq, but an ack may have been lost with the old socket:
   * everything received counts as unacknowledged again, so the next flush acks it anew.
   */
  welcomed(resumed: boolean): void {
    if (!resumed) {
      this.cancel();
      this.seq = 0;
    }
    this.acked = 0;
  }
}
