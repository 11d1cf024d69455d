import type { Attributes } from "@opentelemetry/api";
import {
  AggregationTemporality,
  type DataPoint,
  MeterProvider,
  type MetricData,
  MetricReader,
} from "@opentelemetry/sdk-metrics";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  type Sampler,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import type { Bot } from "../../src/index.js";
import { openTelemetry } from "../../src/otel/index.js";
import { MemoryTransport } from "../../src/transports/memory/transport.js";

/** A metric reader that collects only when asked. */
export class ManualReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * An OpenTelemetry SDK in memory: spans in `spans()`, metrics from `metrics()`. Middleware
 * spans only with an explicit `slowMiddlewareMs`.
 */
export function inMemoryOtel(
  options: { maxRoutes?: number; slowMiddlewareMs?: number; sampler?: Sampler } = {},
) {
  const { sampler, ...rest } = options;
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(exporter)],
    ...(sampler !== undefined && { sampler }),
  });
  const reader = new ManualReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  // No middleware spans unless a test asks (`slowMiddlewareMs`): at the default of 1 ms a
  // loaded machine would add them to span trees that tests compare exactly.
  const telemetry = openTelemetry({
    tracerProvider,
    meterProvider,
    slowMiddlewareMs: 60_000,
    ...rest,
  });
  return {
    telemetry,
    tracerProvider,
    spans: (): ReadableSpan[] => exporter.getFinishedSpans(),
    async metrics(): Promise<MetricData[]> {
      const { resourceMetrics } = await reader.collect();
      return resourceMetrics.scopeMetrics.flatMap((s) => s.metrics);
    },
  };
}

/** The spans called `name`. */
export function named(spans: readonly ReadableSpan[], name: string): ReadableSpan[] {
  return spans.filter((s) => s.name === name);
}

/** The children of `parent` among `spans`. */
export function childrenOf(spans: readonly ReadableSpan[], parent: ReadableSpan): ReadableSpan[] {
  const id = parent.spanContext().spanId;
  return spans.filter((s) => s.parentSpanContext?.spanId === id);
}

/** One metric by name (throws when missing). */
export function metric(all: readonly MetricData[], name: string): MetricData {
  const found = all.find((m) => m.descriptor.name === name);
  if (found === undefined) throw new Error(`no metric ${name}`);
  return found;
}

/** The data points of a metric, as `[attributes, value]`. */
export function points(data: MetricData): Array<[Attributes, unknown]> {
  return (data.dataPoints as DataPoint<unknown>[]).map((p) => [p.attributes, p.value]);
}

/** Every series: metric name and attribute set, sorted (what a Prometheus scrape would count). */
export function seriesOf(all: readonly MetricData[]): string[] {
  return all
    .flatMap((m) =>
      (m.dataPoints as DataPoint<unknown>[]).map(
        (p) => `${m.descriptor.name}${JSON.stringify(Object.entries(p.attributes).sort())}`,
      ),
    )
    .sort();
}

/** A random valid W3C traceparent (sampled). */
export function makeTraceparent(): { traceparent: string; traceId: string; spanId: string } {
  const hex = (n: number) =>
    Array.from({ length: n }, () => Math.floor(Math.random() * 16).toString(16)).join("");
  const traceId = `1${hex(31)}`;
  const spanId = `2${hex(15)}`;
  return { traceparent: `00-${traceId}-${spanId}-01`, traceId, spanId };
}

/** A client on a fresh memory transport that sends frames exactly as given. */
// biome-ignore lint/suspicious/noExplicitAny: any bot, whatever its context type
export async function rawClient(bot: Bot<any>) {
  const transport = new MemoryTransport();
  await bot.start(transport);
  const frames: Array<Record<string, unknown>> = [];
  const conn = transport.connect({
    receive: (f) => frames.push(JSON.parse(f) as Record<string, unknown>),
    closed: () => {},
  });
  const send = (frame: object) => conn.send(JSON.stringify(frame));
  return { conn, frames, send };
}
