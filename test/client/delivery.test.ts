import { afterEach, describe, expect, it } from "vitest";
import { BotClient, type BotMessage, type OpenEvent } from "../../src/client/node.js";
import { Bot, type Limits } from "../../src/index.js";
import { DEFAULT_LIMITS } from "../../src/middleware/index.js";
import { MemoryLedger } from "../../src/storage/index.js";
import { controlledWebSocket, fast, gate, type Served, serveBot, until } from "./helpers.js";

const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function setup(configure: (bot: Bot) => void, limits?: Partial<Limits>) {
  const bot = new Bot(limits === undefined ? {} : { limits });
  configure(bot);
  const served: Served = await serveBot(bot);
  cleanup.push(() => served.stop());
  return { bot, served };
}

function record(client: BotClient) {
  const messages: BotMessage[] = [];
  const opens: OpenEvent[] = [];
  client.on("message", (m) => messages.push(m));
  client.on("open", (e) => opens.push(e));
  return { messages, opens };
}

/** A bot whose ledger records every ack it is given. */
function ackRecordingBot() {
  const acks: number[] = [];
  class SpyLedger extends MemoryLedger {
    override ack(session: string, seq: number) {
      acks.push(seq);
      return super.ack(session, seq);
    }
  }
  return { acks, bot: new Bot({ ledger: new SpyLedger(DEFAULT_LIMITS) }) };
}

describe("BotClient delivery guarantees (real server)", () => {
  it("delivers messages queued offline once the server is back on the same port", async () => {
    const handled: string[] = [];
    const { served } = await setup((bot) => {
      bot.on("message", (ctx) => {
        handled.push(ctx.text ?? "");
        return ctx.reply(`got ${ctx.text}`);
      });
    });
    const client = new BotClient(served.url, fast);
    cleanup.push(() => client.close());
    const { messages } = record(client);
    await client.connect();
    await served.stop();
    await until(() => client.state === "reconnecting", "reconnecting");
    const ids = ["a", "b", "c"].map((text) => client.send(text));
    expect(client.unconfirmed).toBe(3);
    await served.restart();
    await until(() => messages.length === 3, "three replies");
    expect(handled).toEqual(["a", "b", "c"]);
    expect(messages.map((m) => [m.replyTo, m.text])).toEqual([
      [ids[0], "got a"],
      [ids[1], "got b"],
      [ids[2], "got c"],
    ]);
    expect(client.unconfirmed).toBe(0);
  });

  it("resumes the session and replays missed bot messages with consecutive seqs, none twice", async () => {
    const { bot, served } = await setup((bot) => {
      bot.command("hi", (ctx) => ctx.reply("hello"));
    });
    const client = new BotClient(served.url, fast);
    cleanup.push(() => client.close());
    const { messages, opens } = record(client);
    await client.connect();
    await client.request("/hi");
    const session = client.session as string;
    await served.stop();
    for (let i = 1; i <= 5; i++) await bot.sendTo({ session }, `missed ${i}`);
    await served.restart();
    await until(() => messages.length === 6, "replayed messages");
    expect(messages.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(messages.slice(1).map((m) => m.text)).toEqual([1, 2, 3, 4, 5].map((i) => `missed ${i}`));
    expect(opens.at(-1)).toEqual({ session, resumed: true, gap: false });
    expect(client.lastSeq).toBe(6);
    // Live messages keep counting on from the replay.
    expect((await client.request("/hi")).seq).toBe(7);
  });

  it("handles a re-sent message id once and replays its original reply", async () => {
    let runs = 0;
    const { served } = await setup((bot) => {
      bot.on("message", (ctx) => {
        runs++;
        return ctx.reply(`answer to ${ctx.text}`);
      });
    });
    const ws = controlledWebSocket();
    const client = new BotClient(served.url, { ...fast, WebSocket: ws.WebSocket });
    cleanup.push(() => client.close());
    const { messages } = record(client);
    await client.connect();
    // The reply is lost on the way (the connection dies as it is sent).
    ws.dropWhen((data) => data.includes('"replyTo"'));
    const reply = client.request("question");
    await until(() => runs === 1, "handled once");
    ws.dropWhen(() => false);
    ws.cut();
    // After reconnecting, the client re-sends the unconfirmed message with the same id.
    const answer = await reply;
    expect(answer.text).toBe("answer to question");
    expect(runs).toBe(1);
    expect(messages.map((m) => m.seq)).toEqual([1]);
    expect(ws.sockets.length).toBe(2);
  });

  it("does not run a message twice when it is re-sent while the first copy is still being handled", async () => {
    const hold = gate();
    let runs = 0;
    const { served } = await setup((bot) => {
      bot.on("message", async (ctx) => {
        runs++;
        await hold.promise;
        await ctx.reply("done");
      });
    });
    const ws = controlledWebSocket();
    const client = new BotClient(served.url, { ...fast, WebSocket: ws.WebSocket });
    cleanup.push(() => client.close());
    await client.connect();
    const reply = client.request("work");
    await until(() => runs === 1, "handler started");
    ws.cut();
    await until(() => client.state === "open" && ws.sockets.length === 2, "reconnected");
    hold.open();
    expect((await reply).text).toBe("done");
    expect(runs).toBe(1);
  });

  it("reports a gap when the outbox was trimmed, and replays what is left", async () => {
    const { bot, served } = await setup(() => {}, { outboxMessages: 3 });
    const client = new BotClient(served.url, fast);
    cleanup.push(() => client.close());
    const { messages, opens } = record(client);
    await client.connect();
    const session = client.session as string;
    await served.stop();
    for (let i = 1; i <= 5; i++) await bot.sendTo({ session }, `m${i}`);
    await served.restart();
    await until(() => opens.length === 2 && messages.length === 3, "resume");
    expect(opens[1]).toEqual({ session, resumed: true, gap: true });
    expect(messages.map((m) => [m.seq, m.text])).toEqual([
      [3, "m3"],
      [4, "m4"],
      [5, "m5"],
    ]);
  });

  it("reports a gap and starts over when the server no longer knows the session", async () => {
    const first = await setup(() => {});
    const client = new BotClient(first.served.url, fast);
    cleanup.push(() => client.close());
    const { messages, opens } = record(client);
    await client.connect();
    await first.bot.sendTo({ session: client.session as string }, "old");
    await until(() => client.lastSeq === 1, "first message");
    const oldSession = client.session;
    await first.served.stop();
    // A new process: same port, empty memory.
    const bot = new Bot();
    bot.on("message", (ctx) => ctx.reply("fresh"));
    const served = await serveBot(bot, first.served.port);
    cleanup.push(() => served.stop());
    await until(() => opens.length === 2, "new session");
    expect(opens[1]).toMatchObject({ resumed: false, gap: true });
    expect(client.session).not.toBe(oldSession);
    // seq 1 of the new session is not mistaken for a duplicate of the old seq 1.
    expect((await client.request("hi")).seq).toBe(1);
    expect(messages.map((m) => m.text)).toEqual(["old", "fresh"]);
  });

  it("sendTo reaches a connected client, and waits in the outbox for an offline one", async () => {
    const { withHandshake } = await import("../../src/middleware/index.js");
    const { bot, served } = await setup((bot) => {
      bot.use(
        withHandshake(
          (_ctx, next) => next(),
          (handshake) => {
            handshake.user = { id: handshake.token };
          },
        ),
      );
    });
    const client = new BotClient(served.url, { ...fast, token: "alice" });
    cleanup.push(() => client.close());
    const { messages } = record(client);
    await client.connect();
    expect(await bot.sendTo({ session: client.session as string }, "to your session")).toBe(1);
    await until(() => messages.length === 1, "live sendTo");
    await served.stop();
    expect(
      await bot.sendTo({ user: "alice" }, { text: "while you were away", data: { n: 2 } }),
    ).toBe(1);
    expect(await bot.sendTo({ user: "bob" }, "nobody")).toBe(0);
    await served.restart();
    await until(() => messages.length === 2, "queued sendTo");
    expect(messages.map((m) => [m.seq, m.text])).toEqual([
      [1, "to your session"],
      [2, "while you were away"],
    ]);
    expect(messages[1]?.data).toEqual({ n: 2 });
    expect(messages.every((m) => m.replyTo === undefined)).toBe(true);
  });

  it("acks cumulatively in batches, and flushes the last ack on close()", async () => {
    const { acks, bot } = ackRecordingBot();
    const served = await serveBot(bot);
    cleanup.push(() => served.stop());
    const client = new BotClient(served.url, { ...fast, ackEvery: 3, ackDelayMs: 60_000 });
    const { messages } = record(client);
    await client.connect();
    const session = client.session as string;
    for (let i = 1; i <= 7; i++) await bot.sendTo({ session }, `m${i}`);
    await until(() => messages.length === 7 && acks.length === 2, "two batched acks");
    expect(acks).toEqual([3, 6]);
    await client.close();
    await until(() => acks.length === 3, "ack on close");
    expect(acks).toEqual([3, 6, 7]);
  });

  it("acks after ackDelayMs when fewer than ackEvery messages arrived", async () => {
    const { acks, bot } = ackRecordingBot();
    const served = await serveBot(bot);
    cleanup.push(() => served.stop());
    const client = new BotClient(served.url, { ...fast, ackEvery: 100, ackDelayMs: 5 });
    cleanup.push(() => client.close());
    await client.connect();
    await bot.sendTo({ session: client.session as string }, "one");
    await bot.sendTo({ session: client.session as string }, "two");
    await until(() => acks.includes(2), "delayed ack");
    expect(acks.at(-1)).toBe(2);
  });
});
