import { afterEach, expect, it } from "vitest";
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
