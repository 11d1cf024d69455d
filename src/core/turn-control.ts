/**
 * The control of one turn (one update's run through the chain): its `AbortSignal`, and its
 * abandonment — when a turn runs past `turnTimeoutMs`, or the bot stops, the bot stops
 * waiting for it: its signal aborts, whatever waits on it through {@link TurnControl.guard}
 * (the session lock) lets go, and nothing it sends or saves afterwards counts. Made only for
 * turns that ask for it, so a fast synchronous message costs nothing here. Internal.
 * @module
 */

/** Thrown into a turn that ran too long. */
export class TurnTimeoutError extends Error {
  /** @param timeoutMs - the limit it passed */
  constructor(readonly timeoutMs: number) {
    super(`the handler ran longer than turnTimeoutMs (${timeoutMs} ms)`);
    this.name = "TurnTimeoutError";
  }
}

/** Thrown into a turn that was still running when the bot stopped. */
export class BotStoppingError extends Error {
  constructor() {
    super("the bot is stopping");
    this.name = "BotStoppingError";
  }
}

/** The reason `ctx.signal` aborts when the client cancelled the message (a `cancel` frame). */
export class TurnCancelledError extends Error {
  constructor() {
    super("the client cancelled this message");
    this.name = "TurnCancelledError";
  }
}

/** The signal and abandonment of one turn. */
export class TurnControl {
  private controller: AbortController | undefined;
  private cut: Promise<never> | undefined;
  private cutWith: ((reason: unknown) => void) | undefined;
  /** Why the turn was abandoned, once it was. */
  abandonedBy: unknown;
  /** Whether the turn ended (its chain finished, or the bot gave up on it). */
  ended = false;
  private endHooks: Array<() => void> | undefined;
  /** Called when the signal aborts; one listener on the signal for all of them. */
  private abortHooks: Set<() => void> | undefined;

  /** Whether the bot gave up on this turn. */
  get abandoned(): boolean {
    return this.abandonedBy !== undefined;
  }

  /** Aborted by `cancel`, by `turnTimeoutMs` and when the bot stops. */
  get signal(): AbortSignal {
    this.controller ??= new AbortController();
    return this.controller.signal;
  }

  /** Aborts the signal (the turn may still finish, e.g. with the text so far). */
  abort(reason: unknown): void {
    this.controller ??= new AbortController();
    if (!this.controller.signal.aborted) this.controller.abort(reason);
  }

  /** Gives up on the turn: aborts it, and rejects every {@link TurnControl.guard}ed wait. */
  abandon(reason: unknown): void {
    if (this.abandoned) return;
    this.abandonedBy = reason;
    this.abort(reason);
    this.cutWith?.(reason);
  }

  /**
   * Calls `hook` when the signal aborts; returns the way to stop. Many of them (a turn that
   * streams several replies) share one listener, so the signal never holds more than one.
   */
  onAbort(hook: () => void): () => void {
    if (this.abortHooks === undefined) {
      const hooks = new Set<() => void>();
      this.abortHooks = hooks;
      this.signal.addEventListener("abort", () => {
        for (const run of [...hooks]) run();
      });
    }
    const hooks = this.abortHooks;
    hooks.add(hook);
    return () => hooks.delete(hook);
  }

  /** Runs `hook` once the turn ended (at once if it has). */
  onEnd(hook: () => void): void {
    if (this.ended) return hook();
    this.endHooks ??= [];
    this.endHooks.push(hook);
  }

  /** The turn ended: runs the hooks given to {@link TurnControl.onEnd}. */
  finish(): void {
    if (this.ended) return;
    this.ended = true;
    const hooks = this.endHooks ?? [];
    this.endHooks = undefined;
    for (const hook of hooks) hook();
  }

  /** `promise`, or a rejection as soon as the turn is abandoned (whichever comes first). */
  guard<T>(promise: Promise<T>): Promise<T> {
    if (this.abandoned) return Promise.reject(this.abandonedBy);
    if (this.cut === undefined) {
      this.cut = new Promise<never>((_, reject) => {
        this.cutWith = reject;
      });
      // Nobody may be racing it any more when it fires.
      this.cut.catch(() => undefined);
    }
    return Promise.race([promise, this.cut]);
  }
}
