/**
 * `botwire/word-vectors`: the bundled GloVe vectors as the recognizer's embeddings. What they
 * know (similar words are close), how a message becomes a vector, how the hybrid uses them,
 * and that they help on public data (a CLINC150 sample of the eval's committed data).
 */
import { describe, expect, it } from "vitest";
import { random, readSplit, shuffle } from "../../../eval/intents/data.js";
import { Bot, IntentRecognizer, MemoryStore } from "../../../src/index.js";
import { EMBEDDING_KEY_PREFIX, type Embeddings } from "../../../src/router/intent/embeddings.js";
import { createTestClient } from "../../../src/testing/index.js";
import { DIMENSIONS, SCALES, VECTORS, WORDS } from "../../../src/word-vectors/data.js";
import { WordVectors, wordVectors } from "../../../src/word-vectors/index.js";
import {
  HELD_OUT_IN_SCOPE,
  IN_SCOPE,
  OFF_TOPIC_KEYWORDS,
  OUT_OF_SCOPE,
  TRAINING,
} from "./dataset.js";

const vectors = wordVectors();

/** The cosine of two vectors. */
function cosineOf(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let dot = 0;
  let nx = 0;
  let ny = 0;
  for (let i = 0; i < x.length; i++) {
    const a = x[i] as number;
    const b = y[i] as number;
    dot += a * b;
    nx += a * a;
    ny += b * b;
  }
  return dot / Math.sqrt(nx * ny);
}

/** The cosine of two texts' vectors. */
const cosine = (a: string, b: string) => cosineOf(vectors.vector(a), vectors.vector(b));

describe("the vectors", () => {
  it("are the table's rows times each dimension's scale (decoded here with Node's Buffer)", () => {
    const words = WORDS.split(" ");
    const bytes = new Int8Array(Buffer.from(VECTORS, "base64"));
    expect(bytes.length).toBe(words.length * DIMENSIONS);
    for (const word of ["refund", "weather", "hello"]) {
      const row = words.indexOf(word);
      const expected = Array.from(
        { length: DIMENSIONS },
        (_, d) => (bytes[row * DIMENSIONS + d] as number) * (SCALES[d] as number),
      );
      // The same direction (a word's weight only scales its vector).
      expect(cosineOf(expected, vectors.vector(word))).toBeGreaterThan(0.99999);
    }
  });

  it("put words of like meaning close and unrelated words apart", () => {
    expect(cosine("firm", "company")).toBeGreaterThan(0.5);
    expect(cosine("firm", "company")).toBeGreaterThan(cosine("firm", "weather") + 0.3);
    expect(cosine("hello", "hi")).toBeGreaterThan(cosine("hello", "refund") + 0.2);
    expect(cosine("refund", "reimbursement")).toBeGreaterThan(cosine("refund", "holiday"));
    expect(cosine("rain", "snow")).toBeGreaterThan(cosine("rain", "password"));
  });

  it("weigh rare words more than frequent ones, as much as `smoothing` says", () => {
    // "the" is the most frequent word: it barely moves a sentence.
    expect(cosine("the refund", "refund")).toBeGreaterThan(0.99);
    expect(cosine("weather refund", "refund")).toBeLessThan(0.9);
    // With a large smoothing every word weighs about the same: "the" moves it more.
    const flat = wordVectors({ smoothing: 1 });
    expect(cosineOf(flat.vector("the refund"), flat.vector("refund"))).toBeLessThan(
      cosine("the refund", "refund") - 0.05,
    );
  });

  it("read contractions, clitics and hyphenated words as the table has them", () => {
    const same = (a: string, b: string) =>
      expect(Array.from(vectors.vector(a))).toEqual(Array.from(vectors.vector(b)));
    same("I don't know", "I do not know");
    same("it won't rain", "it will not rain");
    same("we can't pay", "we can not pay");
    same("we shan't pay", "we shall not pay");
    same("it ain't paid", "it is not paid");
    // What follows an apostrophe and is a word of its own is read.
    same("at six o'clock", "at six o clock");
    same("the bank's card", "the bank card");
    same("we're late", "we late");
    // The table knows "well-known" whole: it is not "well" + "known".
    expect(vectors.has("well-known")).toBe(true);
    expect(Array.from(vectors.vector("well-known"))).not.toEqual(
      Array.from(vectors.vector("well known")),
    );
    // A hyphenated word the table does not know is read as its parts.
    same("refund-payment", "refund payment");
  });

  it("read letters and apostrophes only, in any case, and skip unknown words", () => {
    expect(Array.from(vectors.vector("Refund!!"))).toEqual(Array.from(vectors.vector("refund")));
    expect(Array.from(vectors.vector("don’t"))).toEqual(Array.from(vectors.vector("don't")));
    expect(Array.from(vectors.vector("refund qzxqzx"))).toEqual(
      Array.from(vectors.vector("refund")),
    );
    expect(vectors.has("refund")).toBe(true);
    expect(vectors.has("qzxqzx")).toBe(false);
  });

  it("give all zeros for text with no known word (another language, nothing)", () => {
    for (const text of ["", "???", "где мой заказ", "注文はどこですか"]) {
      const v = vectors.vector(text);
      expect(v).toHaveLength(vectors.dimensions);
      expect(v.every((x) => x === 0)).toBe(true);
    }
  });

  it("embed one vector per text, the same as vector()", async () => {
    const out = await vectors.embed(["hello there", "where is my order"]);
    expect(out).toHaveLength(2);
    expect(Array.from(out[1] ?? [])).toEqual(Array.from(vectors.vector("where is my order")));
    expect(vectors.local).toBe(true);
    expect(vectors.weight).toBe(0.3);
    expect(vectors.id).toMatch(/^botwire\/word-vectors@/);
  });

  it("refuse bad options with a clear error", () => {
    expect(() => wordVectors({ smoothing: 0 })).toThrow(/smoothing must be a number in \(0, 1\]/);
    expect(() => wordVectors({ weight: 1.5 })).toThrow(/weight must be a number from 0 to 1/);
    expect(() => wordVectors({ weight: Number.NaN })).toThrow(RangeError);
    expect(new WordVectors({ weight: 0.5 }).weight).toBe(0.5);
  });
});

const SMALL: Record<string, string[]> = {
  creator: [
    "who made you",
    "who built you",
    "who created you",
    "who is your maker",
    "where do you come from",
  ],
  weather: [
    "what is the weather today",
    "will it rain tomorrow",
    "is it sunny outside",
    "what's the forecast",
    "how hot is it",
  ],
  refund: [
    "can I get a refund",
    "I want my money back",
    "how do refunds work",
    "refund my order",
    "return for a refund",
  ],
  balance: [
    "what is my account balance",
    "how much money do I have",
    "check my balance",
    "balance in checking",
    "how much is in savings",
  ],
};

/** A recognizer that learned `intents` (name → examples). */
function learned(
  intents: Record<string, string[]>,
  options: ConstructorParameters<typeof IntentRecognizer>[0] = {},
): IntentRecognizer {
  const r = new IntentRecognizer(options);
  for (const [name, examples] of Object.entries(intents)) r.add(name, examples);
  return r;
}

describe("in the recognizer", () => {
  it("lift the right intent of a message that shares no word with its examples", async () => {
    const lexical = learned(SMALL);
    const hybrid = learned(SMALL, { embeddings: vectors });
    for (const [text, name] of [
      ["will there be snow this weekend", "weather"],
      ["compensation for my purchase", "refund"],
    ] as const) {
      const before = lexical.rank(text).find((m) => m.name === name)?.score ?? 0;
      const ranked = await hybrid.rankAsync(text);
      expect(ranked[0]?.name).toBe(name);
      expect(ranked[0]?.score).toBeGreaterThan(before + 0.05);
    }
    // Lexically "what is the temperature" is nobody's; the vectors put it with the weather.
    expect(lexical.rank("what is the temperature")[0]?.score).toBe(0);
    expect((await hybrid.rankAsync("what is the temperature"))[0]?.name).toBe("weather");
  });

  it("give their own weight to the hybrid, unless the recognizer sets embeddingWeight", async () => {
    const scores = (options: ConstructorParameters<typeof IntentRecognizer>[0]) =>
      learned(SMALL, options).rankAsync("will there be snow this weekend");
    const own = await scores({ embeddings: wordVectors({ weight: 0.8 }) });
    const set = await scores({ embeddings: wordVectors(), embeddingWeight: 0.8 });
    const both = await scores({ embeddings: wordVectors({ weight: 0.1 }), embeddingWeight: 0.8 });
    const defaults = await scores({ embeddings: wordVectors() });
    expect(own).toEqual(set);
    expect(both).toEqual(set);
    expect(defaults).not.toEqual(set);
  });

  it("refuse a model whose weight is not from 0 to 1, when the bot is made", () => {
    const embed = (texts: string[]) => vectors.embed(texts);
    for (const weight of [2, -1, Number.NaN, null, "0.5"]) {
      const embeddings = { embed, weight } as unknown as Embeddings;
      expect(() => new IntentRecognizer({ embeddings })).toThrow(
        /embeddings\.weight must be a number from 0 to 1/,
      );
      expect(() => new Bot({ embeddings })).toThrow(/new Bot\(options\): embeddings\.weight/);
    }
  });

  it("calibrate on the words alone what they would recognise on the words alone", async () => {
    const russian = {
      order: ["где мой заказ", "статус заказа", "когда придёт заказ"],
      hello: ["привет", "здравствуйте", "добрый день"],
    };
    const words = learned(russian).calibration.threshold;
    const hybrid = learned(russian, { embeddings: vectors });
    expect((await hybrid.calibrationAsync()).threshold).toBe(words);
  });

  it("recognise a message with no known word by its words alone", async () => {
    const r = learned(
      { order: ["где мой заказ", "статус заказа"], hello: ["привет", "здравствуйте"] },
      { embeddings: vectors },
    );
    for (const text of ["где заказ", "привет!"]) {
      expect(await r.rankAsync(text)).toEqual(r.rank(text));
      expect(await r.recognizeAsync(text)).toEqual(r.recognize(text));
    }
  });

  it("are not cached in the bot's store (they cost microseconds)", async () => {
    /** A store that records the keys written to it. */
    class Recording extends MemoryStore {
      readonly written: string[] = [];
      override set(key: string, value: unknown, ttlMs?: number): void {
        this.written.push(key);
        super.set(key, value, ttlMs);
      }
    }
    const run = async (embeddings: Embeddings) => {
      const store = new Recording();
      const bot = new Bot({ embeddings, store });
      bot.intent("weather", SMALL.weather ?? [], (ctx) => ctx.reply("weather"));
      bot.intent("refund", SMALL.refund ?? [], (ctx) => ctx.reply("refund"));
      bot.on("message", (ctx) => ctx.reply("fallback"));
      const client = createTestClient(bot);
      expect((await client.send("will it be sunny tomorrow"))[0]?.text).toBe("weather");
      expect((await client.send("play some jazz music"))[0]?.text).toBe("fallback");
      await bot.stop();
      return store.written.filter((key) => key.startsWith(EMBEDDING_KEY_PREFIX));
    };
    expect(await run(vectors)).toEqual([]);
    // The same vectors from a model that is not local are cached, one key per text.
    const remote: Embeddings = { id: "remote", embed: (texts) => vectors.embed(texts) };
    expect((await run(remote)).length).toBeGreaterThanOrEqual(6);
  });

  it("keep the shop sets and the off-topic rejections of the lexical recognizer", async () => {
    const r = learned(TRAINING, { embeddings: vectors });
    const right = async (set: Array<[string, string]>) => {
      let n = 0;
      for (const [text, label] of set) if ((await r.recognizeAsync(text))?.name === label) n++;
      return n / set.length;
    };
    const rejected = async (set: string[]) => {
      let n = 0;
      for (const text of set) if ((await r.recognizeAsync(text)) === undefined) n++;
      return n;
    };
    const labelled = await right(IN_SCOPE);
    const heldOut = await right(HELD_OUT_IN_SCOPE);
    const out = await rejected(OUT_OF_SCOPE);
    const offTopic = await rejected(OFF_TOPIC_KEYWORDS);
    console.log(
      `with word vectors: labelled ${(labelled * 100).toFixed(1)}%, held-out ${(heldOut * 100).toFixed(1)}%, ` +
        `out-of-scope rejected ${out}/${OUT_OF_SCOPE.length}, off-topic rejected ${offTopic}/15`,
    );
    expect(labelled).toBeGreaterThanOrEqual(0.92);
    expect(heldOut).toBeGreaterThanOrEqual(0.85);
    expect(out / OUT_OF_SCOPE.length).toBeGreaterThanOrEqual(0.8);
    expect(offTopic).toBeGreaterThanOrEqual(12);
    // The lexical negation still decides: the vectors of "don't want" are those of "want".
    expect((await r.recognizeAsync("I want a refund"))?.name).toBe("returns");
    expect((await r.recognizeAsync("I don't want a refund"))?.name).not.toBe("returns");
    // The promise examples of issue #16.
    expect((await r.recognizeAsync("hiya"))?.name).toBe("greeting");
    expect((await r.recognizeAsync("greetings"))?.name).toBe("greeting");
  });
});

describe("on public data", () => {
  it("get more of a CLINC150 sample right than the words alone (50 intents × 5 examples)", async () => {
    const train = readSplit("clinc150/train");
    const test = readSplit("clinc150/test");
    const next = random(7);
    const names = shuffle([...train.keys()], next).slice(0, 50);
    const sample = Object.fromEntries(
      names.map((name) => [name, shuffle(train.get(name) ?? [], next).slice(0, 5)]),
    );
    const lexical = learned(sample);
    const hybrid = learned(sample, { embeddings: vectors });
    let words = 0;
    let both = 0;
    let total = 0;
    for (const name of names) {
      for (const text of test.get(name) ?? []) {
        total++;
        if (lexical.rank(text)[0]?.name === name) words++;
        if ((await hybrid.rankAsync(text))[0]?.name === name) both++;
      }
    }
    console.log(
      `CLINC150 sample top-1: words ${words}/${total}, with word vectors ${both}/${total}`,
    );
    expect(total).toBe(1500);
    expect(both).toBeGreaterThanOrEqual(words + 10);
  });
});
