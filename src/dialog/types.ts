/**
 * Dialog types: steps, options, the `ctx.dialog` control and the state kept in the session.
 * @module
 */
import type { DialogDefinition } from "../core/context.js";

export type { DialogDefinition };

/** One step of a dialog: a handler for the message that arrives while the step is current. */
export type DialogStep<C> = (ctx: C) => unknown;

/** Options of `bot.dialog(name, steps, options)`. */
export interface DialogOptions {
  /**
   * End the dialog when the user has not answered for this long: the next message after
   * that is handled as if no dialog were active. Omitted: a dialog waits forever (but
   * never longer than the session itself lives, see `session({ ttlMs })`).
   * @default undefined
   */
  timeoutMs?: number;
}

/**
 * `ctx.dialog`: enter, inspect, repeat and leave dialogs. Its state is kept in the
 * session, so it survives reconnects and, with a shared store, restarts and node changes.
 * @typeParam T - the shape of `state`
 */
export interface DialogControl<T extends object = Record<string, unknown>> {
  /** The name of the active dialog, or `undefined` when none is active. */
  readonly active: string | undefined;
  /** The index of the step that will handle the next message, or `undefined`. */
  readonly step: number | undefined;
  /**
   * The active dialog's state (JSON-compatible), persisted with the session. Mutate it or
   * assign a new object. Reading it with no active dialog throws.
   */
  state: T;
  /**
   * Starts dialog `name` and runs its step 0 with the current message. Replaces any
   * dialog that was active.
   * @param name - a name registered with `bot.dialog(name, steps)`
   * @param state - the initial state (copied)
   * @default state `{}`
   */
  enter(name: string, state?: object): Promise<void>;
  /** Called from a step: stay on this step, so the next message runs it again (e.g. invalid input). */
  repeat(): void;
  /** Ends the active dialog, from a step or from any other middleware. */
  exit(): void;
}

/**
 * Adds a typed `ctx.dialog` to a context type; `bot.dialog<T>(…)` gives its steps this.
 * @typeParam T - the shape of the dialog's state
 */
export interface DialogFlavor<T extends object> {
  /** Controls the dialog whose state has type `T`. */
  readonly dialog: DialogControl<T>;
}

/** @internal The active dialog as stored in the session record. */
export interface DialogRecord {
  name: string;
  step: number;
  state: Record<string, unknown>;
  /** When the dialog last handled a message (epoch ms), for `timeoutMs`. */
  at: number;
}
