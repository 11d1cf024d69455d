import { afterEach, describe, expect, it } from "vitest";
import { auth, Bot, staticTokens } from "../../src/index.js";
import { createTestClient } from "../../src/testing/index.js";

// bot.census(): what one node holds — connections, sessions with their unacknowledged outbox
// and running turns, rooms — with shortened session ids and no message text.

const bots: Bot[] = [];
afterEach(async () => {
  for (const bot of bots.splice(0)) await bot.stop();
});

function newBot(): Bot {
  const bot = new Bot({ logger: {} });
  bots.push(bot);
  return bot;
}

describe("bot.census()", () => {
  it("counts connections, sessions and each session's unacknowledged outbox", async () => {
    const bot = newBot();
    bot.on("message", (ctx) => ctx.reply(`got ${ctx.text}`));
    const a = createTestClient(bot);
    const b = createTestClient(bot);
    await a.send("one");
    await a.send("two");
    await b.send("three");
    const census = await bot.census();
    expect(census).toMatchObject({ running: true, connections: 2, sessions: 2, outbox: 3 });
    expect(census.node).toMatch(/^[0-9a-f]{16}$/);
    // The busiest session (two unacknowledged replies) comes first.
    expect(census.top.map((s) => s.outbox)).toEqual([2, 1]);
    expect(census.top[0]?.session).toBe(a.session?.slice(0, 8));
    expect(census.top[0]?.connections).toBe(1);
  });

  it("shows a session's running turns and its user, and orders the busy one first", async () => {
    const bot = newBot();
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    bot.use(
      auth({ verify: staticTokens({ "token-ada-0123456": { id: "ada" } }), required: false }),
    );
    bot.on("message", async (ctx) => {
      if (ctx.text === "wait") await held;
      return ctx.reply("done");
    });
    const idle = createTestClient(bot);
    await idle.send("hi");
    await idle.send("again");
    const busy = createTestClient(bot, { token: "token-ada-0123456" });
    const pending = busy.send("wait");
    await expect.poll(async () => (await bot.census()).turns).toBe(1);
    const census = await bot.census();
    expect(census.top[0]).toMatchObject({
      session: busy.session?.slice(0, 8),
      turns: 1,
      user: "ada",
    });
    expect(census.top[1]).toMatchObject({ turns: 0, outbox: 2, user: undefined });
    release();
    await pending;
    expect((await bot.census()).turns).toBe(0);
  });

  it("lists the rooms of the sessions with every node's member count", async () => {
    const bot = newBot();
    bot.command("join", async (ctx) => {
      await ctx.join(ctx.command?.args || "lobby");
      return ctx.reply("joined");
    });
    const a = createTestClient(bot);
    const b = createTestClient(bot);
    await a.send("/join news");
    await a.send("/join lobby");
    await b.send("/join news");
    const census = await bot.census();
    expect(census.rooms).toEqual([
      { room: "lobby", members: 1 },
      { room: "news", members: 2 },
    ]);
    const ofA = census.top.find((s) => s.session === a.session?.slice(0, 8));
    expect(ofA?.rooms.sort()).toEqual(["lobby", "news"]);
  });

  it("details at most maxSessions sessions but counts them all, and never holds text", async () => {
    const bot = newBot();
    bot.on("message", (ctx) => ctx.reply("ok"));
    for (let i = 0; i < 5; i++) await createTestClient(bot).send(`secret text ${i}`);
    const census = await bot.census({ maxSessions: 2 });
    expect(census.sessions).toBe(5);
    expect(census.top).toHaveLength(2);
    expect(JSON.stringify(census)).not.toContain("secret");
    for (const s of census.top) expect(s.session).toHaveLength(8);
  });

  it("is empty on a stopped bot and refuses a bad maxSessions", async () => {
    const bot = newBot();
    expect(await bot.census()).toMatchObject({ running: false, connections: 0, top: [] });
    expect(() => bot.census({ maxSessions: -1 })).toThrow(/maxSessions/);
    expect(() => bot.census({ maxSessions: 1.5 })).toThrow(/maxSessions/);
  });
});
