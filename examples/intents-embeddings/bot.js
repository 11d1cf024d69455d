// Intents with pluggable embeddings: the built-in recognizer blends its lexical score with a
// sentence-embedding model's. With OPENAI_API_KEY set it uses OpenAI's embeddings API
// (text-embedding-3-small); without a key, the word vectors bundled with botwire
// (`botwire/word-vectors`: nothing to download); with WORDS_ONLY=1, the words alone.
// Run: npm run build && node examples/intents-embeddings/bot.js   (plays a short script)
import { Bot, IntentRecognizer, MemoryStore } from "botwire";
import { createTestClient } from "botwire/testing";
import { wordVectors } from "botwire/word-vectors";

/** OpenAI's embeddings API as an `Embeddings` (any provider with texts → vectors works). */
function openAiEmbeddings(apiKey, model = "text-embedding-3-small") {
  return {
    id: `openai/${model}`,
    async embed(texts) {
      const res = await fetch("https://api.openai.com/v1/embeddings", {
        method: "POST",
        headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
        body: JSON.stringify({ model, input: texts }),
      });
      if (!res.ok) throw new Error(`embeddings API: ${res.status} ${await res.text()}`);
      const body = await res.json();
      return body.data.sort((a, b) => a.index - b.index).map((d) => d.embedding);
    },
  };
}

const key = process.env.OPENAI_API_KEY;
const wordsOnly = process.env.WORDS_ONLY === "1";
// The examples' vectors are cached in the store: with a RedisStore every node shares them.
const store = new MemoryStore();
const intents = new IntentRecognizer(
  key
    ? { embeddings: openAiEmbeddings(key), store, onEmbeddingError: (e) => console.warn(e) }
    : wordsOnly
      ? {}
      : { embeddings: wordVectors() },
);
const bot = new Bot({ recognizer: intents.recognizer });

bot.intent(
  "hours",
  ["what are your opening hours", "when are you open", "what time do you close", "store hours"],
  (ctx) => ctx.reply(`We open 9–18 (${ctx.intent.name}, ${ctx.intent.score})`),
);
bot.intent(
  "returns",
  ["how do I return an item", "can I get a refund", "I want to send this back"],
  (ctx) => ctx.reply(`Returns are free within 30 days (${ctx.intent.score})`),
);
bot.intent("password", ["I forgot my password", "reset my password", "I can't log in"], (ctx) =>
  ctx.reply(`Reset it at /account/reset (${ctx.intent.score})`),
);
bot.on("message", (ctx) => ctx.reply("Sorry, I did not get that."));

const client = createTestClient(bot);
console.log(
  key
    ? "hybrid: lexical + OpenAI embeddings"
    : wordsOnly
      ? "lexical only"
      : "hybrid: lexical + bundled word vectors (set OPENAI_API_KEY for OpenAI's)",
);
for (const text of [
  "are you trading on bank holidays",
  "the jacket doesn't fit, I'd like my money back",
  "locked out of my account",
  "how do I open a jar",
]) {
  const [reply] = await client.send(text);
  console.log(`> ${text}\n< ${reply?.text}`);
}
// The bot hands its intents to the recognizer on the first message; calibrated then.
console.log("calibration:", await intents.calibrationAsync());
await bot.stop();
