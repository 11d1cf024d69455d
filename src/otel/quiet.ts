/**
 * The telemetry of a message when nothing would record it: no tracer SDK (the connection's
 * span has no valid context) and no meter SDK (the meter is the API's no-op one). One shared
 * object, so a bot with `openTelemetry()` but no SDK makes nothing per message.
 * @module
 */
import { createNoopMeter, type Meter } from "@opentelemetry/api";
import type { MessageTelemetry, StreamTelemetry, TelemetrySpan } from "../core/telemetry.js";

const QUIET_SPAN: TelemetrySpan = { end() {} };
const QUIET_STREAM: StreamTelemetry = { delta() {}, end() {} };

/** A message's telemetry that records nothing (and times no middleware: no `middleware`). */
export const QUIET_MESSAGE: MessageTelemetry = {
  step: () => QUIET_SPAN,
  run: (chain) => chain(),
  answered() {},
  end() {},
  traceparent: () => undefined,
  stream: () => QUIET_STREAM,
};

/** Whether `meter` is the API's no-op meter (no metrics SDK was registered when it was made). */
export function isNoopMeter(meter: Meter): boolean {
  return Object.getPrototypeOf(meter) === Object.getPrototypeOf(createNoopMeter());
}
