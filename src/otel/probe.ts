/**
 * `openTelemetry()`: the {@link Telemetry} of `botwire/otel`, recording spans with a tracer
 * and metrics with a meter of the OpenTelemetry API. Internal (see `index.ts`).
 * @module
 */
import { type Attributes, metrics, SpanKind, type Tracer, trace } from "@opentelemetry/api";
import type {
  ConnectionTelemetry,
  MessageTelemetry,
  Telemetry,
  TelemetrySetup,
  TelemetryState,
  TelemetryStep,
} from "../core/telemetry.js";
import { errorLabel, RouteLabels, remoteParent } from "./context.js";
import { Attrs, Instruments, type Probe } from "./metrics.js";
import { Attr, SpanName } from "./names.js";
import type { OpenTelemetryOptions } from "./options.js";
import { isNoopMeter, QUIET_MESSAGE } from "./quiet.js";
import { ConnectionRecord, MessageRecord } from "./spans.js";

/** The instrumentation scope botwire's tracer and meter are named after. */
const SCOPE = "botwire";

/** The telemetry `openTelemetry()` makes. Internal. */
export class OpenTelemetry implements Telemetry, Probe {
  readonly tracer: Tracer;
  readonly metrics: Instruments;
  readonly routes: RouteLabels;
  private system = "custom";
  /** No metrics SDK: the instruments are the API's no-ops. */
  private readonly metricsQuiet: boolean;
  /** The ledger is in this process: its calls take microseconds, not worth a span each. */
  private localLedger = false;
  private readonly stepAttrs = new Map<TelemetryStep, Attributes>();

  constructor(options: OpenTelemetryOptions) {
    const tracerProvider = options.tracerProvider ?? trace.getTracerProvider();
    const meterProvider = options.meterProvider ?? metrics.getMeterProvider();
    this.tracer = tracerProvider.getTracer(SCOPE);
    const meter = meterProvider.getMeter(SCOPE);
    this.metrics = new Instruments(meter);
    this.metricsQuiet = isNoopMeter(meter);
    this.routes = new RouteLabels(options.maxRoutes ?? 100);
    this.slowMiddlewareMs = options.slowMiddlewareMs ?? 1;
  }

  /** A middleware taking at least this long gets a span. */
  readonly slowMiddlewareMs: number;

  attach(state: TelemetryState, setup: TelemetrySetup): void {
    this.system = setup.ledger;
    this.localLedger = setup.ledger === "memory";
    this.stepAttrs.clear();
    this.metrics.observe(state);
  }

  /** The attributes of a step's span and duration (made once per step). */
  stepAttributes(step: TelemetryStep): Attributes {
    let attributes = this.stepAttrs.get(step);
    if (attributes === undefined) {
      attributes = { [Attr.Operation]: step };
      // The ledger's kind says where ledger calls go; a session store may be another one.
      if (!step.startsWith("session.")) attributes[Attr.System] = this.system;
      this.stepAttrs.set(step, attributes);
    }
    return attributes;
  }

  timed(step: TelemetryStep): boolean {
    return !this.localLedger || step.startsWith("session.");
  }

  connection(id: string): ConnectionTelemetry {
    return new ConnectionRecord(this, id);
  }

  message(
    connection: ConnectionTelemetry | undefined,
    traceparent: string | undefined,
    arrived: number,
  ): MessageTelemetry {
    const record = connection instanceof ConnectionRecord ? connection : undefined;
    // Nothing would record it (no SDK at all): one shared object, nothing made per message.
    if (record?.quiet === true && this.metricsQuiet) return QUIET_MESSAGE;
    return new MessageRecord(this, record, traceparent, arrived);
  }

  sent(reply: boolean): void {
    if (reply) this.metrics.counts.replies++;
    else this.metrics.counts.pushes++;
  }

  refused(code: string, scope: "connection" | "bot"): void {
    if (code === "rate_limited") {
      this.metrics.refusals.add(1, scope === "bot" ? Attrs.botScope : Attrs.connectionScope);
    }
    // A rateLimit() refusal is a handler outcome, already counted with the message.
    if (scope === "connection") this.metrics.errors.add(1, { [Attr.ErrorType]: errorLabel(code) });
  }

  remote(_kind: "entry", traceparent: string | undefined): void {
    this.metrics.counts.brokerReceived++;
    const parent = remoteParent(traceparent);
    if (parent === undefined) return;
    // A point in the sender's trace: the reply reached this node's connections.
    this.tracer.startSpan(SpanName.BrokerReceive, { kind: SpanKind.CONSUMER }, parent).end();
  }
}
