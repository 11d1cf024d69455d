import { afterEach, describe, expect, it } from "vitest";
import { Bot } from "../../src/index.js";
import { createTestClient } from "../../src/testing/index.js";
import { reassemble, slowTokens, streamMessages, tokens } from "./helpers.js";

const bots: Bot[] = [];
afterEach(async () => {
  await Promise.all(bots.splice(0).map((b) => b.stop()));
});

async function run(count: number) {
  const bot = new Bot({ logger: false, streaming: { deltaIntervalMs: 2 } });
  bots.push(bot);
  // E.g. "compare N models side by side": one message, N streamed answers at once.
  bot.on("message", async (ctx) => {
    await Promise.all(
      Array.from({ length: count }, (_, i) =>
        ctx.replyStream(
          slowTokens(
            tokens(40).map((t) => `${i}:${t}`),
            3,
          ),
        ),
      ),
    );
  });
  const client = createTestClient(bot);
  await client.send("compare");
  const { finals } = streamMessages(client.messages);
  expect(finals).toHaveLength(count);
  for (const final of finals) {
    const { text, holes } = reassemble(client.deltas, String(final.stream));
    expect({ stream: final.stream, text, holes }).toEqual({
      stream: final.stream,
      text: final.text,
      holes: 0,
    });
  }
}

it("16 concurrent streams of one session: every delta reaches the client", () => run(16));
it("17 concurrent streams of one session: every delta reaches the client", () => run(17));

describe("many streams in one turn", () => {
  it("share one abort listener (no MaxListenersExceededWarning) and all end cancelled on cancel", async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on("warning", onWarning);
    const bot = new Bot({ logger: false, streaming: { deltaIntervalMs: 1 } });
    try {
      bot.on("message", (ctx) =>
        Promise.all(
          Array.from({ length: 12 }, (_, i) =>
            ctx.replyStream(
              slowTokens(
                tokens(100_000).map((t) => `${i}:${t}`),
                2,
              ),
            ),
          ),
        ),
      );
      const client = createTestClient(bot);
      const done = client.send("go");
      await new Promise((r) => setTimeout(r, 50));
      client.cancel();
      const finals = (await done).filter((r) => r.type === "message");
      expect(finals).toHaveLength(12);
      expect(new Set(finals.map((f) => f.end))).toEqual(new Set(["cancelled"]));
      await new Promise((r) => setTimeout(r, 10));
      expect(warnings).not.toContain("MaxListenersExceededWarning");
    } finally {
      process.off("warning", onWarning);
      await bot.stop();
    }
  });
});
