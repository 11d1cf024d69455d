/**
 * Migration: a `goaway` from a draining server schedules this client's move to another
 * node — the hint plus jitter, so clients told the same moment still spread out. A lost
 * connection or a stop cancels it (the client reconnects by its own rules then).
 * @module
 */

import type { GoawayEvent } from "./events.js";

/** The jitter around the server's hint: ±10%. */
const JITTER = 0.1;

/** One scheduled move at a time. */
export class Migration {
  private timer: ReturnType<typeof setTimeout> | undefined;

  /**
   * @param announce - emits the client's `goaway` event
   * @param random - the jitter's random source (tests pass a fixed one)
   */
  constructor(
    private readonly announce: (event: GoawayEvent) => void,
    private readonly random: () => number = Math.random,
  ) {}

  /**
   * A `goaway` arrived: schedules `move` after about `hintMs` (replacing an earlier one) and
   * announces the delay chosen; without `move` (no automatic reconnects) only announces.
   */
  goaway(hintMs: number, move: (() => void) | undefined): void {
    if (move === undefined) return this.announce({ reconnectAfterMs: hintMs });
    this.cancel();
    const delayMs = Math.round(hintMs * (1 - JITTER + 2 * JITTER * this.random()));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      move();
    }, delayMs);
    this.announce({ reconnectAfterMs: delayMs });
  }

  /** Forgets a scheduled move. */
  cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
