/**
 * `validate()`: check a message against a valibot schema before the handler runs.
 * @module
 */
import * as v from "valibot";
import type { MiddlewareFn } from "../core/compose.js";
import type { Context } from "../core/context.js";
import { ClientError } from "../core/errors.js";
import { summarizeIssues } from "./issues.js";

/** What part of the message {@link validate} checks. */
export type ValidateTarget = "text" | "data" | "message";

/** Any valibot schema, sync or async. */
export type AnySchema =
  | v.GenericSchema<unknown, unknown, v.BaseIssue<unknown>>
  | v.GenericSchemaAsync<unknown, unknown, v.BaseIssue<unknown>>;

/** Options of {@link validate}. */
export interface ValidateOptions {
  /**
   * What to validate: the message `text`, its `data` payload, or the whole `message`
   * frame (`{ type, id?, text?, data? }`).
   * @default "data"
   */
  target?: ValidateTarget;
  /**
   * Builds the text of the `bad_request` frame from the issues. The default names each
   * failing path and what was expected, never the value that was sent.
   */
  summarize?: (issues: readonly v.BaseIssue<unknown>[]) => string;
}

/** The middleware returned by {@link validate}: call `get(ctx)` in later handlers for the typed value. */
export interface ValidateMiddleware<S extends AnySchema, C extends Context = Context>
  extends MiddlewareFn<C> {
  /**
   * The validated (and transformed) value for this context. Throws when the middleware
   * did not run for `ctx` (register it before the handler that reads it).
   */
  get(ctx: Context): v.InferOutput<S>;
}

const TARGETS: readonly ValidateTarget[] = ["text", "data", "message"];

/**
 * Validates the message text, data or whole frame with a valibot schema. Failure sends a
 * `bad_request` error frame with a short summary of the issues and stops the chain.
 * Success passes the parsed value on: read it typed with `mw.get(ctx)`, or untyped as
 * `ctx.state.valid`. Updates other than messages pass through.
 *
 * @param schema - a valibot schema (sync or async)
 * @param options - see {@link ValidateOptions}
 * @example
 * ```ts
 * const order = validate(v.object({ item: v.string(), qty: v.pipe(v.number(), v.minValue(1)) }));
 * bot.command("order", order, (ctx) => {
 *   const { item, qty } = order.get(ctx); // typed
 *   return ctx.reply(`${qty} × ${item}`);
 * });
 * ```
 */
export function validate<S extends AnySchema, C extends Context = Context>(
  schema: S,
  options: ValidateOptions = {},
): ValidateMiddleware<S, C> {
  if (
    typeof schema !== "object" ||
    schema === null ||
    (schema as { kind?: unknown }).kind !== "schema"
  ) {
    throw new TypeError("validate(schema): schema must be a valibot schema, e.g. v.object({ … })");
  }
  const target = options.target ?? "data";
  if (!TARGETS.includes(target)) {
    throw new TypeError(
      `validate(): target must be "text", "data" or "message", got ${String(target)}`,
    );
  }
  if (options.summarize !== undefined && typeof options.summarize !== "function") {
    throw new TypeError("validate(): summarize must be a function");
  }
  const summarize = options.summarize ?? ((issues) => summarizeIssues(issues, target));
  const values = new WeakMap<Context, v.InferOutput<S>>();

  const middleware = async function validated(ctx: C, next: () => Promise<void>) {
    if (ctx.update !== "message") return next();
    const input = target === "text" ? ctx.text : target === "data" ? ctx.data : ctx.message;
    const result = await v.safeParseAsync(schema, input);
    if (!result.success) throw new ClientError("bad_request", summarize(result.issues));
    values.set(ctx, result.output);
    ctx.state.valid = result.output;
    return next();
  } as ValidateMiddleware<S, C>;
  middleware.get = (ctx) => {
    if (!values.has(ctx)) {
      throw new Error("validate(): no validated value for this context; run the middleware first");
    }
    return values.get(ctx) as v.InferOutput<S>;
  };
  return middleware;
}
