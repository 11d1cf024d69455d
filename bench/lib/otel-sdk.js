// The OpenTelemetry set-ups the bench compares (BENCH_OTEL, or OTEL for bench/micro.js):
//   off      no `telemetry` option (the default bot)
//   noop     `telemetry: openTelemetry()` with no SDK registered (the API's no-op providers)
//   metrics  the metrics SDK (a MeterProvider with a Prometheus reader that is never scraped
//            here: recordings aggregate in memory, as between two scrapes)
//   sampled  metrics + traces sampled at 10 % (ParentBased(TraceIdRatioBased(0.1))), spans
//            batched to an exporter that drops them — a production set-up on a busy bot
//   all      metrics + every span recorded (AlwaysOn), batched to the dropping exporter
// Returns the `telemetry` Bot option (or undefined for off) and a label for the report.
import { metrics, trace } from "@opentelemetry/api";
import { PrometheusExporter } from "@opentelemetry/exporter-prometheus";
import { MeterProvider } from "@opentelemetry/sdk-metrics";
import {
  AlwaysOnSampler,
  BasicTracerProvider,
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
} from "@opentelemetry/sdk-trace-base";

/** A span exporter that drops what it gets (the cost of the export itself is not botwire's). */
const dropping = {
  export(_spans, done) {
    done({ code: 0 });
  },
  shutdown: () => Promise.resolve(),
};

/** @param {string} mode @param {typeof import("botwire/otel")} otel */
export function otelSetup(mode, otel) {
  if (mode === "off" || mode === undefined || mode === "")
    return { telemetry: undefined, mode: "off" };
  if (mode === "noop") return { telemetry: otel.openTelemetry(), mode };
  const known = ["metrics", "sampled", "all"];
  if (!known.includes(mode))
    throw new Error(`BENCH_OTEL=${mode}: use off, noop, ${known.join(", ")}`);
  const meterProvider = new MeterProvider({
    readers: [new PrometheusExporter({ preventServerStart: true })],
  });
  metrics.setGlobalMeterProvider(meterProvider);
  if (mode === "metrics") return { telemetry: otel.openTelemetry({ meterProvider }), mode };
  const sampler =
    mode === "all"
      ? new AlwaysOnSampler()
      : new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(0.1) });
  const tracerProvider = new BasicTracerProvider({
    sampler,
    spanProcessors: [new BatchSpanProcessor(dropping)],
  });
  trace.setGlobalTracerProvider(tracerProvider);
  return { telemetry: otel.openTelemetry({ meterProvider, tracerProvider }), mode };
}
