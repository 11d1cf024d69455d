import { afterEach, expect, it } from "vitest";
import { Bot } from "../../src/index.js";
import { createTestClient } from "../../src/testing/index.js";
import { until } from "../helpers/until.js";
import { slowTokens, streamMessages } from "./helpers.js";

const bots: Bot[] = [];
afterEach(async () => {
  await Promise.all(bots.splice(0).map((b) => b.stop()));
});

async function scenario(hostileClients: number) {
  let release!: () => void;
  const gate = new Promise<void>((r) => {
    release = r;
  });
  const bot = new Bot({ logger: false });
  bots.push(bot);
  bot.on("message", async (ctx) => {
    if (ctx.text === "slow") {
      await gate;
      return ctx.reply("slow done");
    }
    return ctx.replyStream(slowTokens(["a ", "b ", "c "], 5, ctx.signal));
  });
  const victim = createTestClient(bot);
  await until(() => victim.session !== undefined, "welcome");
  victim.raw(JSON.stringify({ type: "message", id: "m1", text: "slow" }));
  victim.raw(JSON.stringify({ type: "message", id: "m2", text: "story" })); // queued behind m1
  victim.raw(JSON.stringify({ type: "cancel", id: "m2" })); // Stop, before m2 started
  // Another user (another session) sends stale cancels, within the default rate limits.
  const hostile = Array.from({ length: hostileClients }, () => createTestClient(bot));
  await until(() => hostile.every((h) => h.session !== undefined), "hostile welcomes");
  let n = 0;
  for (const h of hostile) {
    for (let i = 0; i < 200; i++) h.raw(JSON.stringify({ type: "cancel", id: `x${n++}` }));
  }
  release();
  await until(() => streamMessages(victim.messages).finals.length === 1, "m2's final");
  expect(streamMessages(victim.messages).finals[0]).toMatchObject({
    replyTo: "m2",
    end: "cancelled",
  });
}

it("control: a cancel sent before its message started cancels it", () => scenario(0));
it("another session's 1000 stale cancels (default limits) do not erase that cancel", () =>
  scenario(5));
