/**
 * DialogController: the `ctx.dialog` object. It reads and writes the dialog part of the
 * session record and runs steps.
 * @module
 */
import type { Context } from "../core/context.js";
import type { DialogControl, DialogDefinition, DialogRecord } from "./types.js";

/** @internal Where the controller keeps the active dialog: the session record. */
export interface DialogHolder {
  dialog?: DialogRecord;
}

interface Frame {
  record: DialogRecord;
  repeat: boolean;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** @internal The implementation of {@link DialogControl}, one per update. */
export class DialogController implements DialogControl {
  /** Steps running right now, innermost last (a step may enter another dialog). */
  private readonly frames: Frame[] = [];

  constructor(
    private readonly holder: DialogHolder,
    private readonly ctx: Context,
    private readonly lookup: (name: string) => DialogDefinition | undefined,
  ) {}

  get active(): string | undefined {
    return this.holder.dialog?.name;
  }

  get step(): number | undefined {
    return this.holder.dialog?.step;
  }

  get state(): Record<string, unknown> {
    return this.current("state").state;
  }

  set state(value: Record<string, unknown>) {
    if (!isPlainObject(value)) throw new TypeError("ctx.dialog.state must be a plain object");
    this.current("state").state = value;
  }

  async enter(name: string, state: object = {}): Promise<void> {
    const definition = this.lookup(name);
    if (definition === undefined) {
      throw new Error(
        `ctx.dialog.enter("${name}"): no dialog of that name; register it with bot.dialog("${name}", steps)`,
      );
    }
    if (!isPlainObject(state))
      throw new TypeError("ctx.dialog.enter(name, state): state must be a plain object");
    this.holder.dialog = { name, step: 0, state: structuredClone(state), at: Date.now() };
    await this.runCurrent(definition);
  }

  repeat(): void {
    const frame = this.frames.at(-1);
    if (frame === undefined)
      throw new Error("ctx.dialog.repeat() can only be called from a dialog step");
    frame.repeat = true;
  }

  exit(): void {
    delete this.holder.dialog;
  }

  /** Runs the current step of the active dialog (which `definition` describes), then advances. */
  async runCurrent(definition: DialogDefinition): Promise<void> {
    const record = this.holder.dialog;
    // Stryker disable next-line ConditionalExpression: equivalent as `false` — callers pass the active dialog's definition
    if (record === undefined || record.name !== definition.name) return;
    const step = definition.steps[record.step];
    if (step === undefined) {
      // Fewer steps than when this session entered (the bot was redeployed): end it.
      delete this.holder.dialog;
      return;
    }
    const frame: Frame = { record, repeat: false };
    this.frames.push(frame);
    this.ctx.route = `dialog:${definition.name}#${record.step}`;
    try {
      await (step as (ctx: Context) => unknown)(this.ctx);
    } finally {
      this.frames.pop();
    }
    // The step exited, or entered another dialog: that decision stands.
    if (this.holder.dialog !== record) return;
    record.at = Date.now();
    if (frame.repeat) return;
    record.step += 1;
    if (record.step >= definition.steps.length) delete this.holder.dialog;
  }

  /** Ends a dialog that timed out or is no longer registered. Returns whether it did. */
  expire(now: number): boolean {
    const record = this.holder.dialog;
    // Stryker disable BooleanLiteral: equivalent — no caller uses what expire() returns
    if (record === undefined) return false;
    const definition = this.lookup(record.name);
    const timedOut = definition?.timeoutMs !== undefined && now - record.at > definition.timeoutMs;
    if (definition !== undefined && !timedOut) return false;
    delete this.holder.dialog;
    return true;
    // Stryker restore BooleanLiteral
  }

  private current(what: string): DialogRecord {
    const record = this.holder.dialog;
    if (record === undefined) throw new Error(`ctx.dialog.${what}: no dialog is active`);
    return record;
  }
}
