import { afterEach, describe, expect, it, vi } from "vitest";
import { openSource } from "../../src/core/stream-source.js";

// The local stand-in model of the examples (examples/shared/local-model.js). A URL import:
// the examples are plain JavaScript without declarations.
const MODEL = new URL("../../examples/shared/local-model.js", import.meta.url).href;
const { localAnswer, localTokens } = (await import(MODEL)) as {
  localAnswer(prompt: string): string;
  localTokens(
    prompt: string,
    options?: { signal?: AbortSignal; delayMs?: number },
  ): AsyncGenerator<string, void, undefined>;
};

async function collect(tokens: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const token of tokens) out.push(token);
  return out;
}

const words = (text: string) => text.split(/\s+/).filter(Boolean).length;

afterEach(() => {
  vi.useRealTimers();
});

describe("localAnswer", () => {
  it("is deterministic, long (≥ 150 words) and in several paragraphs", () => {
    const prompt = "How do WebSocket reconnects work?";
    const answer = localAnswer(prompt);
    expect(localAnswer(prompt)).toBe(answer);
    expect(words(answer)).toBeGreaterThanOrEqual(150);
    expect(answer.split("\n\n").length).toBeGreaterThanOrEqual(3);
    expect(answer).toContain(prompt);
    expect(answer).toBe(answer.trim());
    for (const other of ["", "   ", "what is a stream?", "x".repeat(10_000), "héllo 👋 <b>"]) {
      expect(localAnswer(other)).toBe(localAnswer(other));
      expect(words(localAnswer(other))).toBeGreaterThanOrEqual(150);
    }
  });

  it("depends on the prompt", () => {
    const answers = new Set(["a", "b", "what is a stream?", "how do I cancel?"].map(localAnswer));
    expect(answers.size).toBe(4);
  });
});

describe("localTokens", () => {
  it("streams localAnswer word by word, spaces kept: the tokens join to it exactly", async () => {
    for (const prompt of ["what is a stream?", "", "héllo 👋\n\nsecond line"]) {
      const tokens = await collect(localTokens(prompt, { delayMs: 0 }));
      expect(tokens.join("")).toBe(localAnswer(prompt));
      expect(tokens.length).toBeGreaterThanOrEqual(150);
      for (const token of tokens) expect(token).toMatch(/^\S+\s*$/);
      expect(tokens.some((token) => token.endsWith("\n\n"))).toBe(true);
    }
  });

  it("waits between tokens with the default delay, and is the same every time", async () => {
    const prompt = "short wait";
    const [a, b] = await Promise.all([
      collect(localTokens(prompt, { delayMs: 1 })),
      collect(localTokens(prompt, { delayMs: 1 })),
    ]);
    expect(a).toEqual(b);
    // The default delayMs is a timer between tokens: one is pending after the first token.
    vi.useFakeTimers();
    const tokens = localTokens(prompt);
    await tokens.next();
    const second = tokens.next();
    await vi.advanceTimersByTimeAsync(0);
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(30);
    expect((await second).done).toBe(false);
    await tokens.return();
  });

  it("stops within a token once its signal aborts", async () => {
    const controller = new AbortController();
    const seen: string[] = [];
    let afterAbort = 0;
    for await (const token of localTokens("a long answer, please", {
      signal: controller.signal,
      delayMs: 1,
    })) {
      seen.push(token);
      if (controller.signal.aborted) afterAbort += 1;
      if (seen.length === 5) controller.abort();
    }
    expect(afterAbort).toBeLessThanOrEqual(1);
    expect(seen.length).toBeLessThanOrEqual(6);
    expect(seen.join("")).toBe(localAnswer("a long answer, please").slice(0, seen.join("").length));
  });

  it("ends a pending wait on abort and clears its timer", async () => {
    vi.useFakeTimers();
    const controller = new AbortController();
    const tokens = localTokens("wait for me", { signal: controller.signal, delayMs: 60_000 });
    expect((await tokens.next()).done).toBe(false);
    const pending = tokens.next(); // sleeping 60 s before the second token
    await vi.advanceTimersByTimeAsync(0);
    expect(vi.getTimerCount()).toBe(1);
    controller.abort();
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(vi.getTimerCount()).toBe(0);
  });

  it("yields nothing for an already aborted signal", async () => {
    const controller = new AbortController();
    controller.abort();
    expect(await collect(localTokens("anything", { signal: controller.signal }))).toEqual([]);
  });

  it("is a stream source: openSource reads it to the same text, and return() ends it", async () => {
    const prompt = "what is a stream?";
    const chunks: string[] = [];
    const iterator = openSource(localTokens(prompt, { delayMs: 0 }));
    for (let step = await iterator.next(); !step.done; step = await iterator.next()) {
      chunks.push(step.value);
    }
    expect(chunks.join("")).toBe(localAnswer(prompt));

    const early = openSource(localTokens(prompt, { delayMs: 0 }));
    await early.next();
    await early.return?.();
    expect(await early.next()).toEqual({ done: true, value: undefined });
  });
});
