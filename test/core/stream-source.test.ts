import { streamText } from "ai";
import { MockLanguageModelV3, simulateReadableStream } from "ai/test";
import { describe, expect, it } from "vitest";
import { openSource, type StreamSource } from "../../src/core/stream-source.js";

/** Reads an opened source to its end. */
async function drain(iterator: AsyncIterator<string>): Promise<string[]> {
  const chunks: string[] = [];
  for (;;) {
    const step = await iterator.next();
    if (step.done) return chunks;
    chunks.push(step.value);
  }
}

const read = (source: StreamSource) => drain(openSource(source));

function streamOf<T>(chunks: T[]): ReadableStream<T> {
  return new ReadableStream<T>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
}

/** A part of a language model's stream (the type is @ai-sdk/provider's, reached through ai/test). */
type StreamPart =
  Awaited<ReturnType<MockLanguageModelV3["doStream"]>>["stream"] extends ReadableStream<infer P>
    ? P
    : never;

/** A model of the `ai` package's test kit that streams `deltas` as one text part. */
function mockModel(deltas: string[], chunkDelayInMs: number | null = null) {
  const chunks: StreamPart[] = [
    { type: "stream-start", warnings: [] },
    { type: "text-start", id: "t1" },
    ...deltas.map((delta): StreamPart => ({ type: "text-delta", id: "t1", delta })),
    { type: "text-end", id: "t1" },
    {
      type: "finish",
      finishReason: { unified: "stop", raw: "stop" },
      usage: {
        inputTokens: { total: 3, noCache: 3, cacheRead: undefined, cacheWrite: undefined },
        outputTokens: { total: deltas.length, text: deltas.length, reasoning: undefined },
      },
    },
  ];
  return new MockLanguageModelV3({
    doStream: async () => ({
      stream: simulateReadableStream({ chunks, initialDelayInMs: null, chunkDelayInMs }),
    }),
  });
}

describe("openSource: what it reads", () => {
  it("passes the strings of an async generator through unchanged", async () => {
    async function* tokens() {
      yield "Hello";
      yield "";
      yield ", wörld 👋 ";
      yield "\n\n<b>&amp;</b>";
    }
    expect(await read(tokens())).toEqual(["Hello", "", ", wörld 👋 ", "\n\n<b>&amp;</b>"]);
  });

  it("reads arrays and other sync iterables; a plain string is one chunk", async () => {
    expect(await read(["a", "b c", "d"])).toEqual(["a", "b c", "d"]);
    expect(await read([])).toEqual([]);
    expect(await read(new Set(["x", "y"]))).toEqual(["x", "y"]);
    expect(await read("a whole answer")).toEqual(["a whole answer"]);
  });

  it("reads a ReadableStream of strings through its reader", async () => {
    const stream = streamOf(["one ", "two ", "three"]);
    expect(await read(stream)).toEqual(["one ", "two ", "three"]);
    expect(stream.locked).toBe(false); // the reader was released at the end
  });

  it("uses getReader() even where a stream is not async-iterable (older browsers)", async () => {
    const inner = streamOf(["no ", "iterator"]);
    const readerOnly = { getReader: () => inner.getReader() };
    expect(await read(readerOnly)).toEqual(["no ", "iterator"]);
  });

  it("decodes Uint8Array chunks as UTF-8, also characters split across chunks", async () => {
    const text = "héllo wörld 👋 — ✓";
    const bytes = new TextEncoder().encode(text);
    const at = (c: string) => new TextEncoder().encode(text.slice(0, text.indexOf(c))).length;
    // Cut inside "é" (2 bytes), inside "👋" (4 bytes, twice) and inside "✓" (3 bytes).
    const cuts = [0, at("é") + 1, at("👋") + 1, at("👋") + 3, at("✓") + 2, bytes.length];
    const chunks = cuts.slice(1).map((end, i) => bytes.slice(cuts[i], end));
    const out = await read(streamOf(chunks));
    expect(out.join("")).toBe(text);
    expect(out.join("")).not.toContain("\uFFFD");
    // One byte at a time too.
    const single = await read(streamOf([...bytes].map((b) => Uint8Array.of(b))));
    expect(single.join("")).toBe(text);
  });

  it("decodes an incomplete character at the very end as U+FFFD", async () => {
    const euro = new TextEncoder().encode("€"); // 3 bytes
    expect((await read(streamOf([Uint8Array.of(0x61), euro.slice(0, 2)]))).join("")).toBe(
      "a\uFFFD",
    );
  });

  it("uses the textStream of an object before anything else", async () => {
    const source = {
      textStream: streamOf(["from ", "textStream"]),
      *[Symbol.iterator]() {
        yield "not this";
      },
      async *[Symbol.asyncIterator]() {
        yield "nor this";
      },
    };
    expect(await read(source)).toEqual(["from ", "textStream"]);
    async function* text() {
      yield "async ";
      yield "textStream";
    }
    expect(await read({ textStream: text() })).toEqual(["async ", "textStream"]);
  });
});

describe("openSource: failures", () => {
  it("rejects next() with the error of a generator that throws after 2 chunks", async () => {
    const boom = new Error("model went away");
    async function* failing() {
      yield "a";
      yield "b";
      throw boom;
    }
    const iterator = openSource(failing());
    expect(await iterator.next()).toEqual({ done: false, value: "a" });
    expect(await iterator.next()).toEqual({ done: false, value: "b" });
    await expect(iterator.next()).rejects.toBe(boom);
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
  });

  it("rejects next() with the error of a ReadableStream that errors after 2 chunks", async () => {
    const boom = new Error("stream broke");
    let pulls = 0;
    const stream = new ReadableStream<string>({
      pull(controller) {
        pulls += 1;
        if (pulls <= 2) controller.enqueue(`chunk${pulls}`);
        else controller.error(boom);
      },
    });
    const iterator = openSource(stream);
    expect(await iterator.next()).toEqual({ done: false, value: "chunk1" });
    expect(await iterator.next()).toEqual({ done: false, value: "chunk2" });
    await expect(iterator.next()).rejects.toBe(boom);
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
  });

  it("rejects next() with a TypeError naming a wrong chunk, and stops the producer", async () => {
    let stopped = false;
    async function* numbers() {
      try {
        yield "ok";
        yield 42 as unknown as string;
        yield "never read";
      } finally {
        stopped = true;
      }
    }
    const iterator = openSource(numbers());
    expect(await iterator.next()).toEqual({ done: false, value: "ok" });
    await expect(iterator.next()).rejects.toThrow(
      new TypeError("stream source: a chunk must be a string or a Uint8Array, got number 42"),
    );
    expect(stopped).toBe(true);
    expect(await iterator.next()).toEqual({ done: true, value: undefined });

    let cancelled = false;
    const objects = new ReadableStream<unknown>({
      start(controller) {
        controller.enqueue({ text: "no" });
      },
      cancel() {
        cancelled = true;
      },
    });
    const next = openSource(objects as ReadableStream<string>).next();
    await expect(next).rejects.toThrow(TypeError);
    await expect(next).rejects.toThrow(/got an object/);
    expect(cancelled).toBe(true);
    await expect(read([null as unknown as string])).rejects.toThrow(/got null/);
  });

  it("throws a TypeError for anything that is not a source", () => {
    const bad: unknown[] = [5, null, undefined, true, {}, { textStream: 5 }, { textStream: {} }];
    for (const value of bad) {
      expect(() => openSource(value as StreamSource), String(value)).toThrow(TypeError);
    }
    expect(() => openSource(5 as unknown as StreamSource)).toThrow(
      /stream source: expected an AsyncIterable<string>.*got number 5/,
    );
    expect(() => openSource(null as unknown as StreamSource)).toThrow(/got null/);
    expect(() => openSource({ textStream: 5 } as unknown as StreamSource)).toThrow(
      /textStream must be an AsyncIterable or a ReadableStream, got number 5/,
    );
    expect(() => openSource(new Uint8Array(3) as unknown as StreamSource)).toThrow(
      /a Uint8Array is not a source/,
    );
  });
});

describe("openSource: stopping early", () => {
  it("return() cancels a ReadableStream (its cancel callback runs)", async () => {
    let cancels = 0;
    let n = 0;
    const stream = new ReadableStream<string>({
      pull(controller) {
        n += 1;
        controller.enqueue(`token${n} `);
      },
      cancel() {
        cancels += 1;
      },
    });
    const iterator = openSource(stream);
    expect(await iterator.next()).toEqual({ done: false, value: "token1 " });
    expect(await iterator.return?.()).toEqual({ done: true, value: undefined });
    expect(cancels).toBe(1);
    expect(stream.locked).toBe(false);
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
    await iterator.return?.(); // a second return() does nothing
    expect(cancels).toBe(1);
  });

  it("return() while a read is pending ends that read and cancels the stream", async () => {
    let cancelled = false;
    const silent = new ReadableStream<string>({
      cancel() {
        cancelled = true;
      },
    });
    const iterator = openSource(silent);
    const pending = iterator.next();
    await iterator.return?.();
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(cancelled).toBe(true);
  });

  it("return() calls return() of an async generator (its finally runs)", async () => {
    const log: string[] = [];
    async function* tokens() {
      try {
        for (let i = 0; ; i++) yield `t${i} `;
      } finally {
        log.push("finally");
      }
    }
    const iterator = openSource(tokens());
    expect(await iterator.next()).toEqual({ done: false, value: "t0 " });
    expect(await iterator.next()).toEqual({ done: false, value: "t1 " });
    await iterator.return?.();
    expect(log).toEqual(["finally"]);
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
  });

  it("return() calls return() of a sync iterator", async () => {
    let closed = false;
    function* words() {
      try {
        yield "a";
        yield "b";
      } finally {
        closed = true;
      }
    }
    const iterator = openSource(words());
    await iterator.next();
    await iterator.return?.();
    expect(closed).toBe(true);
  });
});

describe("openSource with the ai package's streamText()", () => {
  it("reassembles the exact text of a mock language model (no network, no key)", async () => {
    const deltas = ["Streaming ", "works: ", "héllo ", "wörld ", "👋", "\n\n", "<b>done</b>."];
    const result = streamText({ model: mockModel(deltas), prompt: "Say something." });
    const source: StreamSource = result; // the structural type accepts the real result
    const chunks = await read(source);
    expect(chunks.join("")).toBe(deltas.join(""));
    expect(chunks).toEqual(deltas);
    expect(await result.text).toBe(deltas.join(""));
  });

  it("return() after the first chunk stops reading the model's stream", async () => {
    const deltas = Array.from({ length: 50 }, (_, i) => `w${i} `);
    const result = streamText({ model: mockModel(deltas, 5), prompt: "Long answer." });
    const iterator = openSource(result);
    expect(await iterator.next()).toEqual({ done: false, value: "w0 " });
    await iterator.return?.();
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
  });
});

describe("StreamSource (types)", () => {
  it("accepts the sources it documents", () => {
    async function* gen() {
      yield "x";
    }
    const sources: StreamSource[] = [
      gen(),
      ["a", "b"],
      "text",
      streamOf(["s"]),
      streamOf([new Uint8Array(1)]),
      { textStream: gen() },
      { textStream: streamOf(["s"]) },
    ];
    expect(sources).toHaveLength(7);
  });
});
