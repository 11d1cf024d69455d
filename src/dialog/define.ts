/**
 * Validates a dialog registration, so mistakes fail at `bot.dialog(...)`, not mid-chat.
 * @module
 */
import type { Context } from "../core/context.js";
import type { DialogDefinition, DialogStep } from "./types.js";

/** @internal Checks `bot.dialog(name, steps, options)` and returns the definition. */
export function defineDialog(name: unknown, steps: unknown, options: unknown): DialogDefinition {
  if (typeof name !== "string" || name.length === 0) {
    throw new TypeError("bot.dialog(name, steps): name must be a non-empty string");
  }
  if (!Array.isArray(steps) || steps.length === 0) {
    throw new TypeError(`bot.dialog("${name}", steps): steps must be a non-empty array`);
  }
  steps.forEach((step, i) => {
    if (typeof step !== "function") {
      throw new TypeError(
        `bot.dialog("${name}"): step ${i} must be a function, got ${typeof step}`,
      );
    }
  });
  if (typeof options !== "object" || options === null) {
    throw new TypeError(`bot.dialog("${name}", steps, options): options must be an object`);
  }
  const { timeoutMs } = options as { timeoutMs?: unknown };
  if (
    timeoutMs !== undefined &&
    (typeof timeoutMs !== "number" || !Number.isFinite(timeoutMs) || timeoutMs <= 0)
  ) {
    throw new RangeError(
      `bot.dialog("${name}"): options.timeoutMs must be a positive number of milliseconds`,
    );
  }
  return {
    name,
    steps: [...steps] as DialogStep<Context>[],
    timeoutMs: timeoutMs as number | undefined,
  };
}
