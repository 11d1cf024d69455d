/**
 * The metric instruments of one bot, made once from its meter. Every attribute is bounded
 * (routes, codes, kinds): never a session, user or connection id. Internal.
 * @module
 */
import type {
  Attributes,
  Counter,
  Histogram,
  Meter,
  Tracer,
  UpDownCounter,
} from "@opentelemetry/api";
import type { TelemetryState, TelemetryStep } from "../core/telemetry.js";
import type { RouteLabels } from "./context.js";
import { Attr, MetricName, RATE_BUCKETS, SECONDS_BUCKETS } from "./names.js";

/** The instruments botwire records to. */
export class Instruments {
  readonly connectionsOpen: UpDownCounter;
  readonly connectionsClosed: Counter;
  readonly resumes: Counter;
  /**
   * What happens once or more per message is counted here, in plain numbers, and reported
   * through observable counters when the metrics are collected: a recording through the SDK
   * costs microseconds (it hashes the attributes), an increment nothing.
   */
  readonly counts = { received: 0, replies: 0, pushes: 0, deltas: 0, brokerReceived: 0 };
  readonly handlerDuration: Histogram;
  readonly errors: Counter;
  readonly refusals: Counter;
  readonly storageDuration: Histogram;
  readonly firstDelta: Histogram;
  readonly deltaRate: Histogram;
  readonly streams: Counter;
  /** Bots whose state the gauges report (several bots may share one `openTelemetry()`). */
  private readonly states = new Set<TelemetryState>();

  constructor(meter: Meter) {
    const seconds = { unit: "s", advice: { explicitBucketBoundaries: SECONDS_BUCKETS } };
    this.connectionsOpen = meter.createUpDownCounter(MetricName.ConnectionsOpen, {
      unit: "{connection}",
      description: "Open WebSocket connections",
    });
    this.connectionsClosed = meter.createCounter(MetricName.ConnectionsClosed, {
      unit: "{connection}",
      description: "Closed connections, by close code",
    });
    this.resumes = meter.createCounter(MetricName.Resumes, {
      unit: "{resume}",
      description: "Sessions resumed after a reconnect, and whether messages were lost (gap)",
    });
    this.handlerDuration = meter.createHistogram(MetricName.HandlerDuration, {
      ...seconds,
      description: "Time the middleware chain took for a message, by route and outcome",
    });
    this.errors = meter.createCounter(MetricName.Errors, {
      unit: "{error}",
      description: "Error frames sent about messages, by error code",
    });
    this.refusals = meter.createCounter(MetricName.RateLimitRefusals, {
      unit: "{message}",
      description: "Messages refused by a rate limit (connection flood guard or rateLimit())",
    });
    this.storageDuration = meter.createHistogram(MetricName.StorageDuration, {
      ...seconds,
      description: "Ledger and session store calls of messages (with Redis: round trips)",
    });
    this.firstDelta = meter.createHistogram(MetricName.StreamFirstDelta, {
      ...seconds,
      description: "From a message's arrival to the first delta of its streamed reply",
    });
    this.deltaRate = meter.createHistogram(MetricName.StreamDeltaRate, {
      unit: "{delta}/s",
      advice: { explicitBucketBoundaries: RATE_BUCKETS },
      description: "Delta frames per second of each streamed reply",
    });
    this.streams = meter.createCounter(MetricName.Streams, {
      unit: "{stream}",
      description: "Streamed replies that ended, by how they ended",
    });
    this.observed(meter);
  }

  /** Reports a bot's backlog in the gauges. */
  observe(state: TelemetryState): void {
    this.states.add(state);
  }

  /** The instruments read at collection: the per-message counts and the backlog gauges. */
  private observed(meter: Meter): void {
    const counter = (name: string, unit: string, description: string) =>
      meter.createObservableCounter(name, { unit, description });
    const received = counter(
      MetricName.MessagesReceived,
      "{message}",
      "Client messages accepted for handling",
    );
    const sent = counter(
      MetricName.MessagesSent,
      "{message}",
      "Bot messages appended to outboxes (replies and pushes)",
    );
    const deltas = counter(MetricName.StreamDeltas, "{delta}", "Delta frames of streamed replies");
    const remote = counter(
      MetricName.BrokerReceived,
      "{message}",
      "Outbox entries of other nodes pushed to live connections here",
    );
    const depth = meter.createObservableGauge(MetricName.OutboxDepth, {
      unit: "{message}",
      description: "Messages sent to live connections and not acknowledged yet",
    });
    const buffered = meter.createObservableGauge(MetricName.SendBuffer, {
      unit: "By",
      description: "Bytes waiting in the send buffers of live connections",
    });
    const { counts } = this;
    meter.addBatchObservableCallback(
      (result) => {
        result.observe(received, counts.received);
        result.observe(sent, counts.replies, Attrs.reply);
        result.observe(sent, counts.pushes, Attrs.push);
        result.observe(deltas, counts.deltas);
        result.observe(remote, counts.brokerReceived);
        let messages = 0;
        let bytes = 0;
        for (const state of this.states) {
          const backlog = state.backlog();
          messages += backlog.messages;
          bytes += backlog.bytes;
        }
        result.observe(depth, messages);
        result.observe(buffered, bytes);
      },
      [received, sent, deltas, remote, depth, buffered],
    );
  }
}

/** Attribute sets made once: most recordings reuse one of these. */
export const Attrs = {
  reply: { [Attr.MessageKind]: "reply" },
  push: { [Attr.MessageKind]: "push" },
  connectionScope: { [Attr.LimitScope]: "connection" },
  botScope: { [Attr.LimitScope]: "bot" },
  resumed: { [Attr.Gap]: false },
  resumedWithGap: { [Attr.Gap]: true },
} as const;

/** What the records of one `openTelemetry()` share: its tracer, instruments and labels. */
export interface Probe {
  readonly tracer: Tracer;
  readonly metrics: Instruments;
  readonly routes: RouteLabels;
  /** A middleware taking at least this long (ms) gets a span. */
  readonly slowMiddlewareMs: number;
  /** The attributes of a step's span and duration. */
  stepAttributes(step: TelemetryStep): Attributes;
  /** Whether a step is worth a span and a duration (not so an in-memory ledger's calls). */
  timed(step: TelemetryStep): boolean;
}
