/**
 * Draining a node before it stops (a rolling restart): every open connection is told to
 * reconnect elsewhere with a `goaway` frame carrying a delay of its own, spread over the
 * window, so that thousands of clients do not reconnect in the same instant; connections
 * that open meanwhile are told to go at once. The node keeps serving all of them until
 * they leave. Internal.
 * @module
 */

import { encodeGoaway } from "../protocol/encode.js";
import type { LivePeer } from "./host.js";

/**
 * The share of the window the delays are spread over: the rest is for the last clients to
 * reconnect, and their messages in flight to be answered, before the node closes them.
 */
export const DRAIN_SPREAD = 0.8;

/** The drain of one hub's connections. */
export class Drain {
  private active = false;
  private wake: (() => void) | undefined;

  /** @param peers - the hub's open peers (a live view: closed peers leave it) */
  constructor(private readonly peers: ReadonlySet<LivePeer>) {}

  /** Whether a drain is under way. */
  get draining(): boolean {
    return this.active;
  }

  /**
   * Tells every open connection to go, each after `random() × DRAIN_SPREAD × windowMs`;
   * resolves once all of them closed, or when `windowMs` has passed.
   */
  start(windowMs: number, random: () => number = Math.random): Promise<void> {
    this.active = true;
    const spread = windowMs * DRAIN_SPREAD;
    for (const peer of this.peers) peer.outlet.ephemeral(encodeGoaway(random() * spread));
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, windowMs);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
      this.closed();
    });
  }

  /** A connection opened: during a drain it is told to go right away. */
  opened(peer: LivePeer): void {
    if (this.active) peer.outlet.ephemeral(encodeGoaway(0));
  }

  /** A connection closed: the drain is over once none is left. */
  closed(): void {
    if (this.active && this.peers.size === 0) this.wake?.();
  }

  /** The bot stopped (or starts again): no drain. */
  reset(): void {
    this.active = false;
    this.wake = undefined;
  }
}
