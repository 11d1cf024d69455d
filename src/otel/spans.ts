/**
 * The per-connection, per-message, per-step and per-stream records behind `openTelemetry()`:
 * each holds its span (when traces are on) and records its metrics when it ends. Internal.
 * @module
 */
import {
  type Attributes,
  context,
  INVALID_SPAN_CONTEXT,
  isSpanContextValid,
  type Link,
  type Context as OtelContext,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from "@opentelemetry/api";
import type {
  ConnectionTelemetry,
  MessageTelemetry,
  StreamTelemetry,
  TelemetrySpan,
  TelemetryStep,
} from "../core/telemetry.js";
import { closeLabel, errorLabel, remoteParent, toTraceparent } from "./context.js";
import type { Probe } from "./metrics.js";
import { Attrs } from "./metrics.js";
import { Attr, SpanName } from "./names.js";

/** The span of a message on a connection without a tracer SDK: the API's no-op. */
const QUIET_SPAN: Span = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

/** A monotonic clock in ms where the runtime has one (all but the oldest), else the wall clock. */
const clock = (globalThis as { performance?: { now(): number } }).performance;
const now: () => number = clock === undefined ? Date.now : () => clock.now();

/** One connection: its span runs from the handshake to the close. */
export class ConnectionRecord implements ConnectionTelemetry {
  /** The connection's span, once its handshake began. */
  span: Span | undefined;
  /** No tracer SDK: the connection's span has no valid context (so neither would a message's). */
  quiet = false;

  constructor(
    private readonly probe: Probe,
    readonly id: string,
  ) {
    probe.metrics.connectionsOpen.add(1);
  }

  hello(traceparent: string | undefined): void {
    const parent = remoteParent(traceparent) ?? context.active();
    this.span = this.probe.tracer.startSpan(
      SpanName.Connection,
      { kind: SpanKind.SERVER, attributes: { [Attr.ConnectionId]: this.id } },
      parent,
    );
    // A span the SDK's sampler drops still has a valid context; only the API's no-op has not.
    this.quiet = !isSpanContextValid(this.span.spanContext());
  }

  welcomed(resumed: boolean, gap: boolean): void {
    this.span?.setAttribute(Attr.Resumed, resumed);
    if (!resumed) return;
    this.span?.setAttribute(Attr.Gap, gap);
    this.probe.metrics.resumes.add(1, gap ? Attrs.resumedWithGap : Attrs.resumed);
  }

  closed(code: number): void {
    const { metrics } = this.probe;
    metrics.connectionsOpen.add(-1);
    metrics.connectionsClosed.add(1, { [Attr.CloseCode]: closeLabel(code) });
    this.span?.setAttribute(Attr.CloseCode, code);
    this.span?.end();
    this.span = undefined;
  }
}

/** One client message: the `botwire.message` span and its handler duration. */
export class MessageRecord implements MessageTelemetry {
  private readonly span: Span;
  private readonly spanContext: OtelContext;
  private started = 0;
  private outcome: string | undefined;
  private failedStep = false;
  private untimed: TelemetrySpan | undefined;
  /**
   * @internal Whether the message's span records, read once when it starts (the SDK's
   * `isRecording()` turns false when the span ends, and a late step or middleware of an
   * abandoned turn still belongs in a sampled trace). Its children are made only then: under
   * a parent-based sampler (the SDK's default) a dropped parent's children are dropped too,
   * and making each one still costs its ids and a sampler call. Their metrics are kept.
   */
  readonly recording: boolean;

  constructor(
    private readonly probe: Probe,
    connection: ConnectionRecord | undefined,
    traceparent: string | undefined,
    private readonly arrived: number,
  ) {
    probe.metrics.counts.received++;
    const parent = remoteParent(traceparent) ?? context.active();
    if (connection?.quiet === true) {
      // No tracer SDK: a span would be the API's no-op, its context of no use to children.
      this.span = QUIET_SPAN;
      this.spanContext = parent;
      this.recording = false;
      return;
    }
    const linked = connection?.span?.spanContext();
    const links: Link[] | undefined = linked === undefined ? undefined : [{ context: linked }];
    this.span = probe.tracer.startSpan(
      SpanName.Message,
      {
        kind: SpanKind.SERVER,
        startTime: arrived,
        ...(links !== undefined && { links }),
        ...(connection !== undefined && { attributes: { [Attr.ConnectionId]: connection.id } }),
      },
      parent,
    );
    this.spanContext = trace.setSpan(parent, this.span);
    this.recording = this.span.isRecording();
  }

  step(step: TelemetryStep): TelemetrySpan {
    if (this.probe.timed(step)) return new StepRecord(this.probe, step, this);
    // An in-memory ledger's call (see `Probe.timed`): only whether it failed matters.
    this.untimed ??= { end: (failed) => failed === true && this.stepFailed() };
    return this.untimed;
  }

  /** @internal A step failed (a ledger call threw). */
  stepFailed(): void {
    this.failedStep = true;
  }

  /** @internal The context child spans start in. */
  get otelContext(): OtelContext {
    return this.spanContext;
  }

  run<T>(chain: () => T): T {
    this.started = now();
    return this.span === QUIET_SPAN ? chain() : context.with(this.spanContext, chain);
  }

  answered(route: string | undefined, error: string | undefined): void {
    const label = this.probe.routes.label(route);
    const outcome = error === undefined ? "ok" : error === "cancelled" ? "cancelled" : "error";
    this.outcome = outcome;
    const attributes: Attributes = { [Attr.Route]: label, [Attr.Outcome]: outcome };
    if (outcome === "error") attributes[Attr.ErrorType] = errorLabel(error as string);
    this.span.setAttributes(attributes);
    if (outcome === "error") {
      // The code only: the error's message may quote the user's text, its stack the code.
      this.span.setStatus({ code: SpanStatusCode.ERROR, message: errorLabel(error as string) });
      this.probe.metrics.errors.add(1, { [Attr.ErrorType]: errorLabel(error as string) });
    }
    this.probe.metrics.handlerDuration.record((now() - this.started) / 1000, attributes);
  }

  end(): void {
    if (this.outcome === undefined) {
      // No chain ran: a re-sent message answered from the ledger, or its claim failed.
      const failed = this.failedStep;
      this.span.setAttribute(Attr.Outcome, failed ? "error" : "replayed");
      if (failed) {
        this.span.setAttribute(Attr.ErrorType, "internal");
        this.span.setStatus({ code: SpanStatusCode.ERROR, message: "internal" });
        this.probe.metrics.errors.add(1, { [Attr.ErrorType]: "internal" });
      }
    }
    this.span.end();
  }

  middleware(name: string): () => void {
    const began = Date.now();
    const start = now();
    return () => {
      const took = now() - start;
      if (took < this.probe.slowMiddlewareMs || !this.recording) return;
      const span = this.probe.tracer.startSpan(
        SpanName.Middleware,
        { kind: SpanKind.INTERNAL, startTime: began, attributes: { [Attr.MiddlewareName]: name } },
        this.spanContext,
      );
      span.end(began + took);
    };
  }

  traceparent(): string | undefined {
    return toTraceparent(this.span.spanContext());
  }

  stream(): StreamTelemetry {
    return new StreamRecord(
      this.probe,
      this.arrived,
      this.recording ? this.spanContext : undefined,
    );
  }
}

/** A timed step of a message: a child span and a storage duration. */
class StepRecord implements TelemetrySpan {
  /** The child span, when the message's span records (see `MessageRecord.recording`). */
  private readonly span: Span | undefined;
  private readonly start = now();

  constructor(
    private readonly probe: Probe,
    private readonly step: TelemetryStep,
    private readonly message: MessageRecord,
  ) {
    this.span = message.recording
      ? probe.tracer.startSpan(
          `botwire.${step}`,
          { kind: SpanKind.INTERNAL, attributes: probe.stepAttributes(step) },
          message.otelContext,
        )
      : undefined;
  }

  end(failed?: boolean): void {
    const attributes = this.probe.stepAttributes(this.step);
    this.probe.metrics.storageDuration.record((now() - this.start) / 1000, attributes);
    if (failed === true) {
      this.message.stepFailed();
      this.span?.setStatus({ code: SpanStatusCode.ERROR });
    }
    this.span?.end();
  }
}

/** A streamed reply: time to first delta, deltas per second, how it ended. */
class StreamRecord implements StreamTelemetry {
  /** The stream's span, when the message's span records (`parent` is then its context). */
  private readonly span: Span | undefined;
  private readonly opened = Date.now();
  private count = 0;

  constructor(
    private readonly probe: Probe,
    private readonly arrived: number,
    parent: OtelContext | undefined,
  ) {
    this.span =
      parent === undefined
        ? undefined
        : probe.tracer.startSpan(SpanName.Stream, { kind: SpanKind.INTERNAL }, parent);
  }

  delta(): void {
    if (this.count++ === 0) {
      this.probe.metrics.firstDelta.record(Math.max(0, Date.now() - this.arrived) / 1000);
      this.span?.addEvent("first delta");
    }
    this.probe.metrics.counts.deltas++;
  }

  end(how: string): void {
    const { metrics } = this.probe;
    metrics.streams.add(1, { [Attr.StreamEnd]: how });
    const seconds = (Date.now() - this.opened) / 1000;
    if (this.count > 0 && seconds > 0) metrics.deltaRate.record(this.count / seconds);
    this.span?.setAttributes({ [Attr.StreamEnd]: how, [Attr.Deltas]: this.count });
    this.span?.end();
  }
}
