import { afterEach, describe, expect, it } from "vitest";
import { Bot, type Context, type SessionFlavor, session } from "../../src/index.js";
import { withHandshake } from "../../src/middleware/index.js";
import { connect, start } from "./helpers.js";

type Ctx = Context & SessionFlavor<{ count: number }>;
const stops: Array<() => Promise<void>> = [];

afterEach(async () => {
  await Promise.all(stops.splice(0).map((stop) => stop()));
});

async function counter(login = false) {
  const bot = new Bot<Ctx>();
  if (login) {
    const hook = withHandshake(
      (_ctx: Context, next: () => Promise<void>) => next(),
      (handshake) => {
        if (handshake.token !== undefined) handshake.user = { id: handshake.token };
      },
    );
    bot.use(hook);
  }
  bot.use(session({ initial: () => ({ count: 0 }) }));
  bot.on("message", (ctx) => ctx.reply(String(++ctx.session.count)));
  const server = await start(bot);
  stops.push(server.close);
  return server.url;
}

describe("protocol sessions over a real socket", () => {
  it("50 messages sent back to back give exactly 1..50", async () => {
    const chat = await connect(await counter());
    const ids = Array.from({ length: 50 }, () => chat.post("+1"));
    const answers = await Promise.all(ids.map((id) => chat.answer(id)));
    expect(answers.map((a) => a.text)).toEqual(Array.from({ length: 50 }, (_, i) => `${i + 1}`));
    await chat.close();
  });

  it("welcome.session is 128 random bits, new for every client without hello.session", async () => {
    const url = await counter();
    const chats = await Promise.all(Array.from({ length: 20 }, () => connect(url)));
    const sessions = chats.map((c) => c.welcome.session as string);
    for (const s of sessions) expect(s).toMatch(/^[0-9a-f]{32}$/);
    expect(new Set(sessions).size).toBe(20);
    await Promise.all(chats.map((c) => c.close()));
  });

  it("a reconnect with hello.session resumes the protocol session and its data", async () => {
    const url = await counter();
    const first = await connect(url);
    await first.say("a");
    expect((await first.say("b")).text).toBe("2");
    const session = first.welcome.session;
    const lastSeq = first.lastSeq();
    await first.close();
    const again = await connect(url, { session, lastSeq });
    expect(again.welcome).toMatchObject({ type: "welcome", session, resumed: true, seq: 2 });
    expect((await again.say("c")).text).toBe("3");
    await again.close();
  });

  it("an unknown session id gets resumed: false and a fresh id (and fresh data)", async () => {
    const url = await counter();
    const chat = await connect(url, { session: "0".repeat(32), lastSeq: 4 });
    expect(chat.welcome.resumed).toBe(false);
    expect(chat.welcome.session).not.toBe("0".repeat(32));
    expect((await chat.say("x")).text).toBe("1");
    await chat.close();
  });

  it("a user cannot take over another user's session, nor can an anonymous client", async () => {
    const url = await counter(true);
    const alice = await connect(url, { token: "alice" });
    await alice.say("1");
    await alice.say("2");
    const stolen = alice.welcome.session;
    const mallory = await connect(url, { token: "mallory", session: stolen, lastSeq: 0 });
    expect(mallory.welcome.resumed).toBe(false);
    expect(mallory.welcome.session).not.toBe(stolen);
    // Nothing of alice's outbox is replayed to mallory, and mallory's data is her own.
    expect((await mallory.say("x")).text).toBe("1");
    expect(mallory.raw.frames.filter((f) => f.type === "message")).toHaveLength(1);
    const anonymous = await connect(url, { session: stolen, lastSeq: 0 });
    expect(anonymous.welcome.resumed).toBe(false);
    expect((await anonymous.say("x")).text).toBe("1");
    expect(anonymous.raw.frames.filter((f) => f.type === "message")).toHaveLength(1);
    // Alice herself resumes, and her data is intact.
    const back = await connect(url, { token: "alice", session: stolen, lastSeq: 2 });
    expect(back.welcome).toMatchObject({ resumed: true, session: stolen });
    expect((await back.say("3")).text).toBe("3");
    await Promise.all([alice, mallory, anonymous, back].map((c) => c.close()));
  });
});
