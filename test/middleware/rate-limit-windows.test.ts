import { afterEach, describe, expect, it, vi } from "vitest";
import { Bot, rateLimit } from "../../src/index.js";
import type { AtomicStore, Counter } from "../../src/storage/store.js";
import { createTestClient } from "../../src/testing/index.js";

// Which refusals count against a client is judged per window, by the clock: the clock is
// faked, so every "later" below is exact on a busy machine.
afterEach(() => {
  vi.useRealTimers();
});

const at = (start: number, ms: number) => vi.setSystemTime(start + ms);

/** A bot behind `limiter` that answers "ok"; a client; what each send answered. */
function setup(limiter: ReturnType<typeof rateLimit>) {
  const bot = new Bot();
  bot.use(limiter);
  bot.on("message", (ctx) => ctx.reply("ok"));
  const client = createTestClient(bot);
  const send = async (text: string) => {
    const [answer] = await client.send(text);
    return answer?.text ?? answer?.code ?? "none";
  };
  return { bot, client, send };
}

/** Always over the limit, with the window remainder the test sets. */
class OverStore implements AtomicStore {
  ttlMs = 0;
  increment(): Counter {
    return { count: 99, ttlMs: this.ttlMs };
  }
  get() {
    return undefined;
  }
  set() {}
  delete() {}
}

describe("rateLimit() refusals, window by window", () => {
  it("holds the ignored waits of one window against the client, however late in it", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const start = Date.now();
    const { bot, client, send } = setup(
      rateLimit({ limit: 1, windowMs: 60_000, maxViolations: 2 }),
    );
    expect(await send("m0")).toBe("ok");
    expect(await send("m1")).toBe("rate_limited"); // told to wait until the window ends
    at(start, 1_500);
    expect(await send("m2")).toBe("rate_limited"); // ignores the wait: 1
    at(start, 40_000);
    expect(client.closed).toBeUndefined();
    expect(await send("m3")).toBe("rate_limited"); // still the same window: 2
    expect(client.closed).toMatchObject({ code: 4429, reason: "too many messages" });
    await bot.stop();
  });

  it("forgives in a new window what was ignored in the last one", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const start = Date.now();
    const { bot, client, send } = setup(
      rateLimit({ limit: 1, windowMs: 10_000, maxViolations: 2 }),
    );
    expect(await send("m0")).toBe("ok");
    expect(await send("m1")).toBe("rate_limited");
    at(start, 1_500);
    expect(await send("m2")).toBe("rate_limited"); // ignores the wait: 1
    at(start, 10_001); // the next window
    expect(await send("m3")).toBe("ok");
    expect(await send("m4")).toBe("rate_limited"); // a new wait, first refusal
    at(start, 11_600);
    expect(await send("m5")).toBe("rate_limited"); // ignores it: 1 in this window
    expect(client.closed).toBeUndefined();
    at(start, 12_000);
    expect(await send("m6")).toBe("rate_limited"); // 2 in this window
    expect(client.closed?.code).toBe(4429);
    await bot.stop();
  });

  it("takes window ends up to half a window apart for the same window (an imprecise store)", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    for (const [drift, closed] of [
      [0, true],
      [5_000, true], // exactly half of windowMs: the same window
      [5_001, false], // more: a new window, the count starts over
    ] as const) {
      const start = Date.now();
      const store = new OverStore();
      const { bot, client, send } = setup(
        rateLimit({ limit: 1, windowMs: 10_000, maxViolations: 1, store }),
      );
      store.ttlMs = 5_000; // the window ends at start + 5000
      expect(await send("m0")).toBe("rate_limited");
      at(start, 1_500);
      store.ttlMs = 3_500 + drift; // ends at start + 5000 + drift
      expect(await send("m1")).toBe("rate_limited");
      expect({ drift, closed: client.closed?.code === 4429 }).toEqual({ drift, closed });
      await bot.stop();
      vi.setSystemTime(start + 100_000);
    }
  });
});
