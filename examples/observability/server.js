// Observability: a bot whose OpenTelemetry metrics Prometheus scrapes, and whose traces
// continue the browser's (a `traceparent` in `hello`/`message` frames).
//
//   npm run build && node examples/observability/server.js
//       → prints the WebSocket URL and the metrics URL (http://127.0.0.1:3003/metrics);
//         point Prometheus at it and import examples/observability/dashboard.json in Grafana.
//   node examples/observability/conversation.js ws://127.0.0.1:3003/chat
//       → plays a scripted conversation (commands, a dialog, an intent, a streamed answer,
//         a failing handler, a refused burst) so every panel has something to show.
//
// Needs the OpenTelemetry packages your app would install:
//   npm install @opentelemetry/api @opentelemetry/sdk-metrics @opentelemetry/sdk-trace-base \
//     @opentelemetry/exporter-prometheus
// PORT and HOST set the address; TRACES=1 prints each finished span; INSPECT_TOKEN (at least
// 16 characters) sets the inspector's token (default: a random one, printed at start).

import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import { metrics, trace } from "@opentelemetry/api";
import { PrometheusExporter } from "@opentelemetry/exporter-prometheus";
import { MeterProvider } from "@opentelemetry/sdk-metrics";
import {
  BasicTracerProvider,
  ConsoleSpanExporter,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { Bot, rateLimit, session } from "botwire";
import { inspector } from "botwire/inspect";
import { openTelemetry } from "botwire/otel";
import { serve } from "botwire/ws";

// 1. The OpenTelemetry SDK, set up by the app (botwire depends on @opentelemetry/api only).
// The exporter does not open a port of its own: /metrics is served by the app's server below.
const prometheus = new PrometheusExporter({ preventServerStart: true });
metrics.setGlobalMeterProvider(new MeterProvider({ readers: [prometheus] }));
const spanProcessors =
  process.env.TRACES === "1" ? [new SimpleSpanProcessor(new ConsoleSpanExporter())] : [];
trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors }));

// 2. The bot reports to the global providers.
const bot = new Bot({ logger: false, telemetry: openTelemetry() });
bot.catch(() => {}); // the failing command below fails on purpose
bot.use(session({ initial: () => ({ count: 0 }) }));
bot.command("start", (ctx) =>
  ctx.reply("Hi! Try /count, /signup, /story, /boom or ask for the hours."),
);
bot.command("count", (ctx) => ctx.reply(`count: ${++ctx.session.count}`));
bot.command("limited", rateLimit({ limit: 2, windowMs: 1000 }), (ctx) =>
  ctx.reply("within the limit"),
);
bot.command("boom", () => {
  throw new Error("this handler fails on purpose");
});
bot.command("story", async (ctx) => {
  async function* words() {
    for (const word of "once upon a time a bot measured itself".split(" ")) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      yield `${word} `;
    }
  }
  await ctx.replyStream(words());
});
bot.command("signup", (ctx) => ctx.dialog.enter("signup"));
bot.dialog("signup", [
  (ctx) => ctx.reply("What is your name?"),
  (ctx) => ctx.reply(`Welcome, ${ctx.text}!`),
]);
bot.intent("hours", ["when are you open", "opening hours", "what time do you close"], (ctx) =>
  ctx.reply("9am to 5pm, Monday to Friday"),
);
bot.on("message", (ctx) => ctx.reply("Sorry, I did not get that. Try /start."));

// 3. The live inspector (botwire/inspect): every node's connections, sessions and errors.
const token = process.env.INSPECT_TOKEN ?? randomUUID();
const inspect = inspector(bot, { token, basePath: "/inspect" });

// 4. One HTTP server: the chat on /chat, the metrics on /metrics, the inspector on /inspect.
const server = createServer((req, res) => {
  if (req.url === "/metrics") return prometheus.getMetricsRequestHandler(req, res);
  if (req.url?.startsWith("/inspect")) return inspect.node(req, res);
  res.writeHead(404).end("not found");
});
serve(bot, { server, path: "/chat" });
const port = Number(process.env.PORT ?? 3003);
const host = process.env.HOST ?? "127.0.0.1";
server.listen(port, host, () => {
  const { port: actual } = server.address();
  console.log(
    `observability bot: ws://${host}:${actual}/chat metrics: http://${host}:${actual}/metrics`,
  );
  console.log(`inspector: http://${host}:${actual}/inspect/#token=${token}`);
});

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, async () => {
    await bot.stop();
    await inspect.close();
    server.close();
    await prometheus.shutdown();
  });
}
