/**
 * Pluggable embeddings, tested with a deterministic embedder (no network): word hashing
 * plus a few "concepts" that stand for what a real model knows (store ≈ shop ≈ business).
 */
import { describe, expect, it, vi } from "vitest";
import { Bot, IntentRecognizer, MemoryStore } from "../../../src/index.js";
import type { Embeddings } from "../../../src/router/intent/embeddings.js";
import { EMBEDDING_KEY_PREFIX, textKey } from "../../../src/router/intent/embeddings.js";
import { createTestClient } from "../../../src/testing/index.js";

const DIMENSIONS = 64;
const CONCEPTS: Record<string, number> = {
  open: 0,
  opening: 0,
  trading: 0,
  business: 0,
  hours: 0,
  close: 0,
  refund: 1,
  money: 1,
  reimburse: 1,
  back: 1,
  return: 1,
  parcel: 2,
  package: 2,
  order: 2,
  shipment: 2,
  delivery: 2,
};

/** A deterministic embedder: each word adds to its concept's dimension or a hashed one. */
function fakeEmbeddings(calls: string[][] = []): Embeddings {
  return {
    id: "fake-1",
    async embed(texts) {
      calls.push([...texts]);
      return texts.map((text) => {
        const v = new Array<number>(DIMENSIONS).fill(0);
        for (const word of text.toLowerCase().match(/[a-z]+/g) ?? []) {
          const concept = CONCEPTS[word];
          const dim =
            concept ?? 8 + (Number.parseInt(textKey(word).slice(0, 6), 16) % (DIMENSIONS - 8));
          v[dim] = (v[dim] ?? 0) + (concept === undefined ? 0.5 : 2);
        }
        return v;
      });
    },
  };
}

const INTENTS: Record<string, string[]> = {
  hours: ["when are you open", "opening hours", "what time do you close"],
  refund: ["can I get a refund", "I want my money back", "how do refunds work"],
  tracking: ["where is my order", "track my package", "has my parcel shipped"],
};

function recognizer(options: ConstructorParameters<typeof IntentRecognizer>[0] = {}) {
  const r = new IntentRecognizer(options);
  for (const [name, examples] of Object.entries(INTENTS)) r.add(name, examples);
  return r;
}

describe("pluggable embeddings", () => {
  it("the hybrid recognises a paraphrase the words alone miss", async () => {
    const text = "are you trading on business days";
    expect(recognizer().recognize(text)).toBeUndefined();
    const hybrid = recognizer({ embeddings: fakeEmbeddings() });
    expect((await hybrid.recognizeAsync(text))?.name).toBe("hours");
    expect((await hybrid.rankAsync("reimburse me"))[0]?.name).toBe("refund");
    // The sync methods stay lexical; an example itself still scores 1.
    expect(hybrid.rank("opening hours")[0]).toEqual({ name: "hours", score: 1 });
    expect((await hybrid.rankAsync("opening hours"))[0]).toEqual({ name: "hours", score: 1 });
  });

  it("caches the examples' vectors in the store: a second node embeds only messages", async () => {
    const store = new MemoryStore();
    const first: string[][] = [];
    await recognizer({ embeddings: fakeEmbeddings(first), store }).recognizeAsync("hello");
    const embedded = first.flat();
    expect(embedded).toContain("opening hours");
    expect(embedded).toContain("hello");
    expect(
      await store.get(`${EMBEDDING_KEY_PREFIX}fake-1:${textKey("opening hours")}`),
    ).toHaveLength(DIMENSIONS);
    const second: string[][] = [];
    const other = recognizer({ embeddings: fakeEmbeddings(second), store });
    expect((await other.recognizeAsync("track my parcel please"))?.name).toBe("tracking");
    expect(second).toEqual([["track my parcel please"]]);
  });

  it("reports a calibrated threshold for the hybrid score", async () => {
    const hybrid = recognizer({ embeddings: fakeEmbeddings() });
    const calibration = await hybrid.calibrationAsync();
    expect(calibration.source).toBe("calibrated");
    expect(calibration.threshold).toBeGreaterThanOrEqual(0.2);
    expect(calibration.threshold).toBeLessThanOrEqual(0.6);
    expect(calibration.backgroundRejected).toBeGreaterThan(0.5);
    const fixed = recognizer({ embeddings: fakeEmbeddings(), threshold: 0.5 });
    expect((await fixed.calibrationAsync()).threshold).toBe(0.5);
  });

  it("falls back to the words when embed fails for a message, and reports the error", async () => {
    const embeddings = fakeEmbeddings();
    const onEmbeddingError = vi.fn();
    const hybrid = recognizer({ embeddings, onEmbeddingError });
    await hybrid.calibrationAsync();
    embeddings.embed = async () => {
      throw new Error("rate limited");
    };
    expect((await hybrid.recognizeAsync("when are you open today"))?.name).toBe("hours");
    expect(onEmbeddingError).toHaveBeenCalledOnce();
  });

  it("falls back to the words while the examples cannot be embedded, and retries after a back-off", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      const calls: string[][] = [];
      const embeddings = fakeEmbeddings(calls);
      const working = embeddings.embed;
      let attempts = 0;
      embeddings.embed = async () => {
        attempts++;
        throw new Error("API down");
      };
      const onEmbeddingError = vi.fn();
      const hybrid = recognizer({ embeddings, onEmbeddingError });
      // An example itself, and a message the words recognise: as without embeddings.
      expect(await hybrid.recognizeAsync("when are you open")).toEqual({ name: "hours", score: 1 });
      expect(onEmbeddingError).toHaveBeenLastCalledWith(new Error("API down"));
      const first = attempts; // the examples and the background, in one attempt
      expect(first).toBeGreaterThan(0);
      // Within the back-off (1 s after the first failure) the model is not asked again.
      expect((await hybrid.recognizeAsync("when are you open today"))?.name).toBe("hours");
      expect(attempts).toBe(first);
      vi.setSystemTime(Date.now() + 1001);
      // The words alone do not know "trading on business days" (see the first test).
      expect(await hybrid.recognizeAsync("are you trading on business days")).toBeUndefined();
      expect(attempts).toBe(2 * first);
      expect(onEmbeddingError).toHaveBeenCalledTimes(2);
      // The back-off doubles: not asked again after 1 s, asked after 2 s.
      vi.setSystemTime(Date.now() + 1001);
      await hybrid.recognizeAsync("when are you open");
      expect(attempts).toBe(2 * first);
      embeddings.embed = working;
      vi.setSystemTime(Date.now() + 1000);
      // The model answers again: the examples are embedded and used.
      expect((await hybrid.recognizeAsync("are you trading on business days"))?.name).toBe("hours");
      expect(calls.flat()).toContain("opening hours");
      expect(onEmbeddingError).toHaveBeenCalledTimes(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it("rejects, with every message, embedders that do not return one vector per text", async () => {
    let calls = 0;
    const broken: Embeddings = {
      embed: async () => {
        calls++;
        return [];
      },
    };
    const onEmbeddingError = vi.fn();
    const r = recognizer({ embeddings: broken, onEmbeddingError });
    // A bug of the embedder is not answered around as an outage would be.
    await expect(r.recognizeAsync("hi")).rejects.toThrow(/one vector per text/);
    const first = calls;
    await expect(r.recognizeAsync("hi")).rejects.toThrow(/one vector per text/);
    expect(calls).toBe(first); // the examples are not sent to a broken embedder again
    expect(onEmbeddingError).not.toHaveBeenCalled();
    expect(() => new IntentRecognizer({ embeddings: {} as never })).toThrow(TypeError);
    expect(() => new IntentRecognizer({ embeddingWeight: 2 })).toThrow(RangeError);
  });

  it("plugs into a bot: the recognizer learns the examples of bot.intent()", async () => {
    const intents = new IntentRecognizer({ embeddings: fakeEmbeddings() });
    const bot = new Bot({ recognizer: intents.recognizer });
    bot.intent("hours", INTENTS.hours ?? [], (ctx) => ctx.reply(`hours ${ctx.intent?.name}`));
    bot.intent("refund", INTENTS.refund ?? [], (ctx) => ctx.reply("refund"));
    bot.on("message", (ctx) => ctx.reply("fallback"));
    const client = createTestClient(bot);
    expect((await client.send("are you trading on business days"))[0]?.text).toBe("hours hours");
    expect((await client.send("I'd like my money back"))[0]?.text).toBe("refund");
    expect((await client.send("tell me a joke about penguins"))[0]?.text).toBe("fallback");
    await bot.stop();
  });

  it("new Bot({ embeddings }) uses the hybrid, caching vectors in the bot's store", async () => {
    const store = new MemoryStore();
    const calls: string[][] = [];
    const bot = new Bot({ embeddings: fakeEmbeddings(calls), store });
    bot.intent("hours", INTENTS.hours ?? [], (ctx) => ctx.reply(`hours ${ctx.intent?.name}`));
    bot.intent("refund", INTENTS.refund ?? [], (ctx) => ctx.reply("refund"));
    bot.on("message", (ctx) => ctx.reply("fallback"));
    const client = createTestClient(bot);
    // Lexically "are you trading on business days" is no intent (see the first test).
    expect((await client.send("are you trading on business days"))[0]?.text).toBe("hours hours");
    expect((await client.send("tell me a joke about penguins"))[0]?.text).toBe("fallback");
    expect(calls.flat()).toContain("opening hours");
    expect(
      await store.get(`${EMBEDDING_KEY_PREFIX}fake-1:${textKey("opening hours")}`),
    ).toHaveLength(DIMENSIONS);
    await bot.stop();
  });

  it("new Bot({ embeddings }) falls back to the words and logs a warning when embed fails", async () => {
    const embeddings = fakeEmbeddings();
    const warn = vi.fn();
    const bot = new Bot({ embeddings, logger: { warn } });
    bot.intent("hours", INTENTS.hours ?? [], (ctx) => ctx.reply("hours"));
    bot.on("message", (ctx) => ctx.reply("fallback"));
    const client = createTestClient(bot);
    expect((await client.send("when are you open"))[0]?.text).toBe("hours");
    embeddings.embed = async () => {
      throw new Error("rate limited");
    };
    expect((await client.send("when are you open today"))[0]?.text).toBe("hours");
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/embeddings failed/), {
      error: expect.any(Error),
    });
    await bot.stop();
  });

  it("new Bot({ embeddings }) answers by the words while the model is down from the start", async () => {
    const warn = vi.fn();
    let attempts = 0;
    const bot = new Bot({
      embeddings: {
        embed: async () => {
          attempts++;
          throw new Error("API down");
        },
      },
      logger: { warn },
    });
    bot.intent("hours", INTENTS.hours ?? [], (ctx) => ctx.reply("hours"));
    bot.on("message", (ctx) => ctx.reply("fallback"));
    const client = createTestClient(bot);
    expect((await client.send("when are you open today"))[0]?.text).toBe("hours");
    expect((await client.send("tell me a joke about penguins"))[0]?.text).toBe("fallback");
    // One attempt to embed the examples, one warning; the next waits for the back-off.
    expect(attempts).toBeGreaterThan(0);
    expect(attempts).toBeLessThanOrEqual(2); // the examples and the background
    expect(warn).toHaveBeenCalledTimes(1);
    await bot.stop();
  });

  it("new Bot({ embeddings }) checks the option", () => {
    expect(() => new Bot({ embeddings: {} as never })).toThrow(/embed\(texts\)/);
    expect(
      () => new Bot({ embeddings: fakeEmbeddings(), recognizer: async () => undefined }),
    ).toThrow(/with recognizer/);
  });
});
