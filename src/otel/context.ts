/**
 * W3C `traceparent` to and from OpenTelemetry span contexts, and the bounded labels of
 * metrics (routes, close codes, error types). Internal.
 * @module
 */
import {
  type Context as OtelContext,
  ROOT_CONTEXT,
  type SpanContext,
  TraceFlags,
  trace,
} from "@opentelemetry/api";
import { KNOWN_CLOSE_CODES, KNOWN_ERRORS } from "./names.js";

/**
 * The parent context a client's `traceparent` stands for; `undefined` without one. The
 * protocol layer validated it already (see `isTraceparent`).
 */
export function remoteParent(traceparent: string | undefined): OtelContext | undefined {
  if (traceparent === undefined) return undefined;
  const spanContext: SpanContext = {
    traceId: traceparent.slice(3, 35),
    spanId: traceparent.slice(36, 52),
    // Only the sampled bit is defined; the others are reserved.
    traceFlags: Number.parseInt(traceparent.slice(53, 55), 16) & TraceFlags.SAMPLED,
    isRemote: true,
  };
  return trace.setSpanContext(ROOT_CONTEXT, spanContext);
}

/** The `traceparent` of a span context; `undefined` for an invalid (non-recording) one. */
export function toTraceparent(spanContext: SpanContext): string | undefined {
  if (!trace.isSpanContextValid(spanContext)) return undefined;
  const flags = (spanContext.traceFlags & 0xff).toString(16).padStart(2, "0");
  return `00-${spanContext.traceId}-${spanContext.spanId}-${flags}`;
}

/** A close code as a metric label: itself when well known, else `other`. */
export function closeLabel(code: number): string {
  return KNOWN_CLOSE_CODES.has(code) ? String(code) : "other";
}

/** An error code as a metric label: itself when one of the protocol's, else `other`. */
export function errorLabel(code: string): string {
  return KNOWN_ERRORS.has(code) || code === "cancelled" ? code : "other";
}

/**
 * Keeps route labels bounded: the first `max` distinct routes are reported as themselves,
 * any later one as `other` (routes come from the code, but a bot may register many).
 */
export class RouteLabels {
  private readonly seen = new Set<string>();

  constructor(private readonly max: number) {}

  /** The label of `route` (`none` when no routing verb matched). */
  label(route: string | undefined): string {
    if (route === undefined) return "none";
    if (this.seen.has(route)) return route;
    if (this.seen.size >= this.max) return "other";
    this.seen.add(route);
    return route;
  }
}
