import { afterEach, describe, expect, it } from "vitest";
import { Bot } from "../../src/index.js";
import { createTestClient } from "../../src/testing/index.js";

let bot: Bot;
afterEach(async () => {
  await bot?.stop();
});

describe("ctx.edit and ctx.retract", () => {
  it("are seq'd messages that every tab sees and a resume replays", async () => {
    bot = new Bot({ logger: false });
    bot.command("draft", async (ctx) => {
      const seq = await ctx.reply("frist draft");
      await ctx.edit(seq, { text: "first draft", data: { v: 2 } });
      const gone = await ctx.send("oops");
      await ctx.retract(gone);
      const final = await ctx.replyStream(["streamed"]);
      await ctx.edit(final, "streamed, then corrected");
    });
    const client = createTestClient(bot);
    await client.send("/draft");
    expect(client.edits).toEqual([
      { type: "message", seq: 2, edits: 1, text: "first draft", data: { v: 2 } },
      { type: "message", seq: 4, retracts: 3 },
      { type: "message", seq: 7, edits: 6, text: "streamed, then corrected" },
    ]);
    // A tab that resumes from the start gets the same conversation, edits included.
    const later = createTestClient(bot, { session: String(client.session), lastSeq: 0 });
    await new Promise((r) => setTimeout(r, 20));
    expect(later.edits).toEqual(client.edits);
    expect(later.messages.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it("refuses a reference that is no message of the session, before taking a seq", async () => {
    bot = new Bot({ logger: false });
    const errors: string[] = [];
    bot.on("message", async (ctx) => {
      for (const bad of [0, -1, 1.5, "3", null, {}, { seq: "2" }] as never[]) {
        await ctx.edit(bad, "x").catch((e: Error) => errors.push(e.name));
        await ctx.retract(bad).catch((e: Error) => errors.push(e.name));
      }
      await ctx.edit(1, { text: 5 } as never).catch((e: Error) => errors.push(e.name));
      await ctx.reply("after");
    });
    const client = createTestClient(bot);
    const [reply] = await client.send("go");
    expect(errors).toEqual(Array(15).fill("TypeError"));
    // No seq was used by the refused calls.
    expect(reply).toMatchObject({ text: "after", seq: 1 });
  });
});
