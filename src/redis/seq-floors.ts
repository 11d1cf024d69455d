/**
 * The highest seq this node has seen assigned in each recently active session: the floor
 * below which the ledger must never assign a seq again. Redis replicates asynchronously, so
 * a failover (Sentinel, Cluster) can throw away the last writes a master acknowledged — the
 * session's seq counter among them. Without a floor the next replies would reuse seq numbers
 * that clients already hold for other messages, and be dropped by them as repeats: lost
 * without a trace. With it the ledger jumps over the lost range and records it as lost, so a
 * resume from before it reports a gap.
 * @module
 */

/** How many sessions' floors a node keeps (least recently used first out). */
const MAX_SESSIONS = 10_000;

/** Per-session seq floors, bounded. */
export class SeqFloors {
  private readonly floors = new Map<string, number>();

  /** The floor of `session` (0 when unknown). */
  of(session: string): number {
    return this.floors.get(session) ?? 0;
  }

  /** `seq` was assigned (or reported) in `session`. */
  note(session: string, seq: number): void {
    const floor = Math.max(seq, this.of(session));
    this.floors.delete(session);
    this.floors.set(session, floor);
    if (this.floors.size > MAX_SESSIONS) {
      const oldest = this.floors.keys().next().value;
      if (oldest !== undefined) this.floors.delete(oldest);
    }
  }
}
