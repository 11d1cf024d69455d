/**
 * The bot's current activity (`typing`, `thinking`, …) as the client shows it: until the
 * final reply to the message it concerns, a newer activity, `kind: "idle"`, or its `ttlMs`
 * passes, whichever comes first. One timer at most.
 * @module
 */
import type { ActivityEvent } from "./frames.js";

/** Holds the current activity and reports every change. */
export class Activity {
  /** The activity shown now, if any. */
  current: ActivityEvent | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;

  /** @param report - called with each activity frame, and with an `idle` one when the shown activity ends here */
  constructor(private readonly report: (event: ActivityEvent) => void) {}

  /**
   * An activity frame arrived: it replaces the current one (`idle` clears it). An `idle`
   * while nothing is shown (the final reply already ended it) changes nothing: not reported.
   */
  show(event: ActivityEvent): void {
    if (event.kind === "idle" && this.current === undefined) return;
    this.reset();
    if (event.kind !== "idle") {
      this.current = event;
      this.timer = setTimeout(() => this.end(), event.ttlMs);
      (this.timer as { unref?: () => void }).unref?.();
    }
    this.report(event);
  }

  /** Ends the current activity (all of it, or only if it concerns message `replyTo`). */
  end(replyTo?: string): void {
    const shown = this.current;
    if (shown === undefined || (replyTo !== undefined && shown.replyTo !== replyTo)) return;
    this.reset();
    const idle: ActivityEvent = { kind: "idle", ttlMs: 0 };
    if (shown.replyTo !== undefined) idle.replyTo = shown.replyTo;
    this.report(idle);
  }

  /** Forgets the current activity without reporting it (the client stopped). */
  reset(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.current = undefined;
  }
}
