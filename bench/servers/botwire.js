// botwire on botwire/ws (Node): the bench bot of bot.js (with telemetry when BENCH_OTEL is set).
import { serve } from "botwire/ws";
import { benchTelemetry } from "../lib/bench-otel.js";
import { BENCH_POLICY, benchBot } from "./bot.js";
import { harness } from "./harness.js";

// BENCH_OTEL (the otel shape): telemetry off (default) or one OpenTelemetry set-up.
const otel = await benchTelemetry();
const { bot, counter, stack, broadcast } = benchBot(otel === undefined ? {} : { telemetry: otel });
const handle = serve(bot, { host: "127.0.0.1", port: 0, ...BENCH_POLICY });
await handle.ready;
harness({ port: handle.address().port, stack, broadcast }, counter);
