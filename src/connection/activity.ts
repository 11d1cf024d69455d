/**
 * The activity a turn shows its session's clients: `typing` by itself while a slow handler
 * runs (renewed before it expires), whatever the handler shows with `ctx.activity`, and
 * `idle` once the turn ends — so no indicator outlives its handler. Internal.
 * @module
 */
import type { Context } from "../core/context.js";
import type { ActivityOptions } from "../core/streaming.js";
import { encodeActivity } from "../protocol/encode.js";
import type { PeerHost } from "./host.js";

const MAX_KIND = 64;
const MAX_LABEL = 200;
const MAX_TTL_MS = 60_000;
const DEFAULT_TTL_MS = 5000;

/** Checks `ctx.activity`'s arguments; returns the frame's fields. */
export function checkActivity(
  kind: unknown,
  options: ActivityOptions,
): { kind: string; label?: string; ttlMs: number } {
  if (typeof kind !== "string" || kind.length === 0 || kind.length > MAX_KIND) {
    throw new TypeError(`ctx.activity(kind): kind must be a string of 1 to ${MAX_KIND} characters`);
  }
  const { label, ttlMs = DEFAULT_TTL_MS } = options ?? {};
  if (label !== undefined && (typeof label !== "string" || label.length > MAX_LABEL)) {
    throw new TypeError(
      `ctx.activity(): label must be a string of at most ${MAX_LABEL} characters`,
    );
  }
  if (typeof ttlMs !== "number" || !Number.isFinite(ttlMs) || ttlMs <= 0) {
    throw new RangeError("ctx.activity(): ttlMs must be a positive number");
  }
  const out = { kind, ttlMs: Math.min(Math.ceil(ttlMs), MAX_TTL_MS) };
  return label === undefined ? out : { ...out, label };
}

/** The activity of one turn. */
export class TurnActivity<C extends Context> {
  private delay: ReturnType<typeof setTimeout> | undefined;
  private renewal: ReturnType<typeof setInterval> | undefined;
  /** Whether an activity was shown, so `idle` must follow; and whether the turn ended. */
  private shown = false;
  private ended = false;
  /**
   * Whether the automatic `typing` may still start: not once the handler showed its own
   * indicator or text began to flow (which can happen before the turn starts typing).
   */
  private automatic = true;

  constructor(
    private readonly host: PeerHost<C>,
    private readonly session: string,
    private readonly replyTo: string | undefined,
  ) {}

  /** Shows `typing` if the turn is still running after `typingDelayMs`, renewed while it runs. */
  startTyping(): void {
    const { typingDelayMs, typingTtlMs } = this.host.streaming;
    if (typingDelayMs === 0 || this.ended || !this.automatic) return;
    this.delay = setTimeout(() => {
      this.send("typing", undefined, typingTtlMs);
      this.renewal = setInterval(
        () => this.send("typing", undefined, typingTtlMs),
        Math.max(1, Math.floor((typingTtlMs * 2) / 3)),
      );
      (this.renewal as { unref?: () => void }).unref?.();
    }, typingDelayMs);
    (this.delay as { unref?: () => void }).unref?.();
  }

  /** Shows what the handler asked for; the automatic `typing` stops (the handler took over). */
  show(kind: unknown, options: ActivityOptions): void {
    const checked = checkActivity(kind, options);
    if (this.ended) return;
    this.stopTyping();
    this.automatic = false;
    this.send(checked.kind, checked.label, checked.ttlMs);
  }

  /**
   * The turn started streaming text: that shows progress, so the automatic `typing` stops,
   * and ends now if it was shown (a handler's own indicator stays until the turn ends).
   */
  streaming(): void {
    const typing = this.renewal !== undefined; // the automatic typing is what is shown
    this.stopTyping();
    this.automatic = false;
    if (typing) this.send("idle", undefined, DEFAULT_TTL_MS);
  }

  /** The turn ended: no more activity; `idle` if anything was shown. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.stopTyping();
    if (this.shown) this.send("idle", undefined, DEFAULT_TTL_MS);
  }

  private stopTyping(): void {
    clearTimeout(this.delay);
    clearInterval(this.renewal);
    this.delay = undefined;
    this.renewal = undefined;
  }

  private send(kind: string, label: string | undefined, ttlMs: number): void {
    if (this.ended && kind !== "idle") return;
    this.shown = kind !== "idle";
    const frame = { kind, ttlMs, ...(this.replyTo !== undefined && { replyTo: this.replyTo }) };
    this.host.fanout.ephemeral(
      this.session,
      encodeActivity(label === undefined ? frame : { ...frame, label }),
    );
  }
}
