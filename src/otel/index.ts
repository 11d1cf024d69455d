/**
 * OpenTelemetry traces and metrics for a bot: `new Bot({ telemetry: openTelemetry() })`.
 * Needs `@opentelemetry/api` (an optional peer dependency of botwire) and an OpenTelemetry
 * SDK set up by your app (`@opentelemetry/sdk-node`, or the trace and metrics SDKs); without
 * an SDK the API is a no-op. Spans: `botwire.connection`, `botwire.message` (with the route
 * that answered and the outcome) and its steps; a client's `traceparent` in `hello` or
 * `message` continues its trace. Metrics: connections, messages, handler duration by
 * route, errors, closes, resumes, backlog, storage calls, streamed replies — all with
 * bounded attributes. See docs/observability.md for every name, unit and attribute.
 *
 * @example
 * ```ts
 * import { Bot } from "botwire";
 * import { openTelemetry } from "botwire/otel";
 *
 * // After your OpenTelemetry SDK is started (e.g. NodeSDK with a Prometheus exporter):
 * const bot = new Bot({ telemetry: openTelemetry() });
 * bot.command("start", (ctx) => ctx.reply("Welcome!"));
 * ```
 * @module botwire/otel
 */
import type { Telemetry } from "../core/telemetry.js";
import type { OpenTelemetryOptions } from "./options.js";
import { OpenTelemetry } from "./probe.js";

export type { OpenTelemetryOptions } from "./options.js";

/**
 * Telemetry for `new Bot({ telemetry })` that records OpenTelemetry spans and metrics.
 * @param options - the tracer and meter providers (default: the global ones), the route limit
 */
export function openTelemetry(options: OpenTelemetryOptions = {}): Telemetry {
  if (typeof options !== "object" || options === null) {
    throw new TypeError("openTelemetry(options): options must be an object");
  }
  const { slowMiddlewareMs } = options;
  if (
    slowMiddlewareMs !== undefined &&
    (typeof slowMiddlewareMs !== "number" ||
      !(slowMiddlewareMs >= 0) ||
      slowMiddlewareMs === Infinity)
  ) {
    throw new RangeError("openTelemetry({ slowMiddlewareMs }): must be a finite number >= 0");
  }
  return new OpenTelemetry(options);
}
