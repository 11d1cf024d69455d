// LLM bot: answers every question with a streamed reply (ctx.replyStream). The client sees
// the answer grow word by word (`delta` frames) and may stop it with a `cancel` frame.
//
//   npm run build && node examples/llm-stream/server.js
//       → answers with a local, deterministic stand-in model (examples/shared/local-model.js):
//         no network, no key. Prints the WebSocket URL (ws://127.0.0.1:3002 by default).
//   npm install ai @ai-sdk/openai
//   OPENAI_API_KEY=sk-... [OPENAI_MODEL=gpt-4o-mini] node examples/llm-stream/server.js
//       → answers with OpenAI through the AI SDK's streamText(); without @ai-sdk/openai it
//         says so and falls back to the local model.
//   node examples/llm-stream/server.js --demo
//       → also runs a small BotClient that asks a question, prints the answer as it streams,
//         then asks another one and cancels it halfway.
//
// Any WebSocket client works too: connect to the printed URL and send plain text, e.g.
// "/ask how do reconnects work?" (or just the question). PORT and HOST set the address.
import { createServer } from "node:http";
import { Bot } from "botwire";
import { BotClient } from "botwire/client";
import { serve } from "botwire/ws";
import { localTokens } from "../shared/local-model.js";

/**
 * The model: `(prompt, signal, onError) => source` for ctx.replyStream. OpenAI through the
 * AI SDK when OPENAI_API_KEY is set and the packages are installed, else the local model.
 */
async function loadModel() {
  if (!process.env.OPENAI_API_KEY) {
    console.log("OPENAI_API_KEY is not set: answering with the local deterministic model.");
    return (prompt, signal) => localTokens(prompt, { signal });
  }
  let streamText;
  let openai;
  try {
    ({ streamText } = await import("ai"));
    ({ openai } = await import("@ai-sdk/openai"));
  } catch (error) {
    if (error?.code !== "ERR_MODULE_NOT_FOUND") throw error;
    console.warn(
      "OPENAI_API_KEY is set, but the AI SDK is not installed (npm install ai @ai-sdk/openai):",
      "answering with the local deterministic model instead.",
    );
    return (prompt, signal) => localTokens(prompt, { signal });
  }
  const modelId = process.env.OPENAI_MODEL ?? "gpt-4o-mini";
  console.log(`answering with OpenAI ${modelId} (AI SDK streamText)`);
  // streamText() reports a failed call to onError and ends its textStream early; the handler
  // then tells the user. ctx.signal aborts the HTTP request on a cancel or a timeout.
  return (prompt, signal, onError) =>
    streamText({ model: openai(modelId), prompt, abortSignal: signal, onError });
}

const model = await loadModel();
const bot = new Bot({ logger: console });

bot.command(["start", "help"], (ctx) =>
  ctx.reply("Ask me anything: /ask <question>, or just type it. Cancel stops an answer."),
);
bot.command("ask", (ctx) => answer(ctx, ctx.command.args));
bot.on("message", (ctx) => answer(ctx, ctx.text ?? ""));

async function answer(ctx, question) {
  if (question.trim() === "") return ctx.reply("Ask me something, e.g. /ask what is a WebSocket?");
  let failure;
  const source = model(question, ctx.signal, ({ error }) => {
    failure = error;
  });
  // Resolves once the stream closed: end is "done", "cancelled" (the client sent a cancel),
  // "failed" (the source threw) or "interrupted".
  const final = await ctx.replyStream(source, {});
  // The server's log (stderr, so the --demo client's output on stdout stays readable).
  console.error(`[bot] answered (${final.end}, ${final.text.length} characters): ${question}`);
  if (failure !== undefined && !ctx.signal.aborted) {
    console.error("the model call failed:", failure instanceof Error ? failure.message : failure);
    await ctx.reply("Sorry, the model could not answer (see the server log).");
  }
}

const server = createServer((_req, res) => res.writeHead(426).end("WebSocket only\n"));
serve(bot, { server });
const port = Number(process.env.PORT ?? 3002);
const host = process.env.HOST ?? "127.0.0.1";
server.listen(port, host, async () => {
  const url = `ws://${host}:${server.address().port}`;
  console.log(`llm-stream bot: ${url}`);
  if (process.argv.includes("--demo")) {
    await demo(url);
    await bot.stop();
    server.close();
  }
});

/** Asks one question and prints the answer as it streams; asks another and cancels it. */
async function demo(url) {
  const client = new BotClient(url);
  client.on("delta", (event) => process.stdout.write(event.delta));
  await client.connect();

  console.log("> /ask how do reconnects work?");
  const final = await client.request("/ask how do reconnects work?");
  console.log(`\n[${final.end}]`);

  console.log("> tell me about streams (cancelled after about 20 words)");
  const reply = client.stream("tell me about streams");
  let cancelling = false;
  for await (const text of reply) {
    if (!cancelling && text.split(/\s+/).length > 20) {
      cancelling = true;
      reply.cancel();
    }
  }
  const stopped = await reply.final;
  console.log(`\n[${stopped.end}: ${stopped.text.split(/\s+/).length} words kept]`);
  client.close();
}

// Ctrl+C: stop the bot gracefully (running answers are aborted through ctx.signal).
process.once("SIGINT", async () => {
  await bot.stop();
  server.close();
});
