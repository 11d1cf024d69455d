// The `telemetry` option of a bench server from BENCH_OTEL (the otel shape and the redis
// shape's telemetry rows): undefined for off (the default); otherwise one OpenTelemetry
// set-up of otel-sdk.js, whose SDK modules load only then (an off server loads none).
export async function benchTelemetry() {
  const mode = process.env.BENCH_OTEL;
  if (mode === undefined || mode === "off") return undefined;
  const { otelSetup } = await import("./otel-sdk.js");
  return otelSetup(mode, await import("botwire/otel")).telemetry;
}
