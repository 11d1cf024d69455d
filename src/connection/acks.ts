/**
 * Acks of one connection, coalesced: one ledger call in flight at a time, always for the
 * highest seq seen, so a flood of acks costs the store at most one call at a time. Internal.
 * @module
 */
import type { Context } from "../core/context.js";
import type { PeerHost } from "./host.js";

/** Passes a connection's acks to the ledger. */
export class AckCoalescer<C extends Context> {
  private ackSeq = 0;
  private acking = false;

  constructor(private readonly host: PeerHost<C>) {}

  /** The highest seq the client acknowledged on this connection. */
  get acked(): number {
    return this.ackSeq;
  }

  /** The client acknowledged every message of `session` up to `seq`. */
  ack(session: string, seq: number): void {
    if (seq <= this.ackSeq) return;
    this.ackSeq = seq;
    if (this.acking) return;
    this.acking = true;
    const { ledger, logger } = this.host.config;
    const loop = async () => {
      let done = 0;
      try {
        while (done < this.ackSeq) {
          done = this.ackSeq;
          await ledger.ack(session, done);
        }
      } catch (error) {
        logger.error?.("ack failed", { error });
      } finally {
        this.acking = false;
      }
    };
    this.host.track(loop());
  }
}
