/**
 * The names botwire emits through OpenTelemetry: spans, metrics, attributes. One place, so
 * docs/observability.md, the dashboard and the code agree.
 * @module
 */

/** Span names. */
export const SpanName = {
  /** One WebSocket connection, from its handshake to its close. */
  Connection: "botwire.connection",
  /** One client message, from its arrival until its claim is settled. */
  Message: "botwire.message",
  /** A streamed reply, from its opening message to its final one. */
  Stream: "botwire.stream",
  Middleware: "botwire.middleware",
  /** An outbox entry of another node reached live connections here through the broker. */
  BrokerReceive: "botwire.broker.receive",
} as const;

/** Metric names (units in {@link MetricUnit}). */
export const MetricName = {
  ConnectionsOpen: "botwire.connections.open",
  ConnectionsClosed: "botwire.connections.closed",
  Resumes: "botwire.resumes",
  MessagesReceived: "botwire.messages.received",
  MessagesSent: "botwire.messages.sent",
  HandlerDuration: "botwire.handler.duration",
  Errors: "botwire.errors",
  RateLimitRefusals: "botwire.rate_limit.refusals",
  StorageDuration: "botwire.storage.duration",
  OutboxDepth: "botwire.outbox.depth",
  SendBuffer: "botwire.send_buffer.size",
  StreamFirstDelta: "botwire.stream.time_to_first_delta",
  StreamDeltaRate: "botwire.stream.delta_rate",
  StreamDeltas: "botwire.stream.deltas",
  Streams: "botwire.streams",
  BrokerReceived: "botwire.broker.received",
} as const;

/** Attribute keys (OpenTelemetry semantic conventions where one exists: `error.type`). */
export const Attr = {
  Route: "botwire.route",
  MiddlewareName: "botwire.middleware.name",
  Outcome: "botwire.outcome",
  ErrorType: "error.type",
  ConnectionId: "botwire.connection.id",
  Resumed: "botwire.session.resumed",
  Gap: "botwire.resume.gap",
  CloseCode: "botwire.close.code",
  MessageKind: "botwire.message.kind",
  LimitScope: "botwire.limit.scope",
  Operation: "botwire.storage.operation",
  System: "botwire.storage.system",
  StreamEnd: "botwire.stream.end",
  Deltas: "botwire.stream.deltas",
} as const;

/** Histogram bucket boundaries in seconds: 1 ms to 2 minutes (the default turn timeout). */
export const SECONDS_BUCKETS = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120,
];

/** Bucket boundaries of deltas per second of a stream. */
export const RATE_BUCKETS = [1, 2, 5, 10, 20, 30, 50, 100, 200];

/** Close codes reported as themselves; any other is `other` (clients choose 3000–4999 freely). */
export const KNOWN_CLOSE_CODES: ReadonlySet<number> = new Set([
  1000, 1001, 1005, 1006, 1008, 1009, 1011, 1013, 4401, 4408, 4429,
]);

/** Error types reported as themselves; any other is `other`. */
export const KNOWN_ERRORS: ReadonlySet<string> = new Set([
  "bad_request",
  "unauthorized",
  "rate_limited",
  "too_large",
  "internal",
]);
