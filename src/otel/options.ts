/**
 * The options of `openTelemetry()`.
 * @module
 */
import type { MeterProvider, TracerProvider } from "@opentelemetry/api";

/** Options of `openTelemetry()` (from `botwire/otel`). */
export interface OpenTelemetryOptions {
  /**
   * Where spans go.
   * @default the global tracer provider (`trace.getTracerProvider()`), a no-op until an SDK registers one
   */
  tracerProvider?: TracerProvider;
  /**
   * Where metrics go.
   * @default the global meter provider (`metrics.getMeterProvider()`)
   */
  meterProvider?: MeterProvider;
  /**
   * How many distinct routes (`command:start`, `intent:hours`, …) the `botwire.route`
   * attribute of metrics takes; later ones are reported as `other`.
   * @default 100
   */
  maxRoutes?: number;
  /**
   * A middleware of `bot.use()` that takes at least this long before it passes on (or ends)
   * gets a `botwire.middleware` span; quicker ones get none (their time is in the message's).
   * `0` records every one.
   * @default 1
   */
  slowMiddlewareMs?: number;
}
