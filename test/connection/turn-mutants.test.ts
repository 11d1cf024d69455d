import { afterEach, describe, expect, it } from "vitest";
import type { HandledEvent } from "../../src/core/events.js";
import { Bot, ClientError } from "../../src/index.js";
import { DEFAULT_LIMITS } from "../../src/middleware/index.js";
import { SessionLostError } from "../../src/storage/errors.js";
import type { OutboxEntry } from "../../src/storage/ledger.js";
import { MemoryLedger } from "../../src/storage/memory-ledger.js";
import { createTestClient } from "../../src/testing/index.js";
import { until } from "../helpers/until.js";
import { rawHost } from "./raw-peer.js";
import { TelemetryRecorder } from "./telemetry-recorder.js";

// How a turn ends: what the client gets, whether the message counts as failed (the `handled`
// event; a receipt only for a message that succeeded without replies), and what telemetry hears.

const bots: Bot[] = [];
afterEach(async () => {
  await Promise.all(bots.splice(0).map((b) => b.stop()));
});

function botWith(options: ConstructorParameters<typeof Bot>[0] = {}) {
  const bot = new Bot({ logger: false, ...options });
  bots.push(bot);
  const handled: HandledEvent[] = [];
  bot.events.on("handled", (e) => handled.push(e));
  return { bot, handled };
}

/** A memory ledger whose appends answer on a later macrotask (a remote store), or never. */
class SlowLedger extends MemoryLedger {
  hang = false;
  constructor() {
    super(DEFAULT_LIMITS);
    const append = this.append.bind(this);
    // An instance property: MemoryLedger's own append is typed synchronous.
    Object.assign(this, {
      append: (session: string, encode: (seq: number) => string): Promise<OutboxEntry> => {
        if (this.hang) return new Promise(() => undefined);
        return new Promise((resolve, reject) =>
          setTimeout(() => {
            try {
              resolve(append(session, encode));
            } catch (error) {
              reject(error);
            }
          }, 1),
        );
      },
    });
  }
}

/** What telemetry heard each message end with. */
const outcomes = (t: TelemetryRecorder) => t.answers.map((a) => a.split(" ").at(-1));

/** Waits for the abort of ctx.signal. */
const aborted = (signal: AbortSignal) =>
  new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve()));

describe("a turn's outcome", () => {
  it("a message handled without replies succeeds: a receipt, not failed", async () => {
    const { bot, handled } = botWith();
    bot.on("message", () => undefined);
    const client = createTestClient(bot);
    expect(await client.send("quiet")).toEqual([]);
    expect(client.frames.filter((f) => f.type === "receipt")).toHaveLength(1);
    expect(handled.map((e) => e.failed)).toEqual([false]);
  });

  it("a synchronous handler is answered synchronously, in the frame's own call", async () => {
    const { bot } = botWith();
    bot.command("quiet", () => undefined);
    bot.on("message", (ctx) => ctx.reply(`echo ${ctx.text}`));
    const peer = (await rawHost(bot))();
    await peer.hello();
    peer.send({ type: "message", id: "m1", text: "hi" });
    expect(peer.frames.at(-1)).toMatchObject({ type: "message", text: "echo hi", replyTo: "m1" });
    peer.send({ type: "message", id: "m2", text: "/quiet" });
    expect(peer.frames.at(-1)).toEqual({ type: "receipt", id: "m2" });
  });

  it("a turn whose sends are still on their way at its end succeeds once they arrive", async () => {
    const ledger = new SlowLedger();
    const { bot, handled } = botWith({ ledger });
    bot.on("message", (ctx) => {
      void ctx.reply("later");
    });
    const client = createTestClient(bot);
    const replies = await client.send("go");
    expect(replies.map((r) => r.text)).toEqual(["later"]);
    await until(() => handled.length === 1, "handled");
    expect(handled[0]?.failed).toBe(false);
  });

  it("a failed turn waits for its sends before the error: the reply comes first and is kept", async () => {
    const ledger = new SlowLedger();
    const { bot, handled } = botWith({ ledger });
    bot.on("message", async (ctx) => {
      void ctx.reply("partial");
      throw new Error("boom");
    });
    const client = createTestClient(bot);
    const answers = await client.send("go");
    expect(answers.map((a) => a.text ?? a.code)).toEqual(["partial", "internal"]);
    await until(() => handled.length === 1, "handled");
    expect(handled[0]?.failed).toBe(true);
  });

  it("an abandoned turn does not wait for its sends: the client hears of the timeout", async () => {
    const ledger = new SlowLedger();
    const { bot } = botWith({ ledger, turnTimeoutMs: 50 });
    bot.on("message", async (ctx) => {
      ledger.hang = true;
      void ctx.reply("stuck");
      await new Promise(() => undefined);
    });
    const client = createTestClient(bot);
    const answers = await client.send("go");
    expect(answers).toMatchObject([{ type: "error", code: "internal" }]);
  });

  it("a ClientError fails the message: its error frame, no receipt", async () => {
    const { bot, handled } = botWith();
    bot.on("message", () => {
      throw new ClientError("bad_request", "no thanks");
    });
    const client = createTestClient(bot);
    expect(await client.send("x")).toMatchObject([
      { type: "error", code: "bad_request", message: "no thanks" },
    ]);
    expect(client.frames.filter((f) => f.type === "receipt")).toEqual([]);
    expect(handled.map((e) => e.failed)).toEqual([true]);
  });

  it("a session lost under the handler closes the connection (1011 session lost)", async () => {
    const { bot } = botWith();
    bot.on("message", () => {
      throw new SessionLostError("0123456789abcdef");
    });
    const client = createTestClient(bot);
    void client.send("x");
    await until(() => client.closed !== undefined, "close");
    expect(client.closed).toEqual({ code: 1011, reason: "session lost" });
    // No error frame: the client keeps the message unconfirmed, to send in its next session.
    expect(client.frames.filter((f) => f.type === "error" || f.type === "receipt")).toEqual([]);
  });

  it("another error does not close the connection", async () => {
    const { bot } = botWith();
    bot.on("message", () => {
      throw new Error("boom");
    });
    const client = createTestClient(bot);
    expect(await client.send("x")).toMatchObject([{ type: "error", code: "internal" }]);
    expect(await client.send("y")).toMatchObject([{ type: "error", code: "internal" }]);
    expect(client.closed).toBeUndefined();
  });
});

describe("a cancelled turn", () => {
  for (const [what, make, reported] of [
    ["its signal's reason", (s: AbortSignal) => s.reason, false],
    ["an AbortError", () => Object.assign(new Error("aborted"), { name: "AbortError" }), false],
    ["any other error", () => new Error("other"), true],
    ["a non-Error named AbortError", () => ({ name: "AbortError" }), true],
  ] as const) {
    it(`that stops by throwing ${what} is ${reported ? "" : "not "}a failure`, async () => {
      const telemetry = new TelemetryRecorder();
      const { bot, handled } = botWith({ telemetry });
      bot.on("message", async (ctx) => {
        await aborted(ctx.signal);
        throw make(ctx.signal);
      });
      const client = createTestClient(bot);
      const answer = client.send("go");
      await until(() => telemetry.begun === 1, "message begun");
      client.cancel();
      const answers = await answer;
      await until(() => handled.length === 1, "handled");
      expect(answers.map((a) => a.code)).toEqual(reported ? ["internal"] : []);
      expect(handled[0]?.failed).toBe(reported);
      expect(outcomes(telemetry)).toEqual([reported ? "internal" : "cancelled"]);
    });
  }

  it("an error thrown without a cancel is a failure even if named AbortError", async () => {
    const { bot, handled } = botWith();
    bot.on("message", async () => {
      throw Object.assign(new Error("aborted"), { name: "AbortError" });
    });
    const client = createTestClient(bot);
    expect((await client.send("go")).map((a) => a.code)).toEqual(["internal"]);
    expect(handled[0]?.failed).toBe(true);
  });
});

describe("telemetry of a turn", () => {
  it("counts a rate_limited ClientError as a refusal by the bot, and no other", async () => {
    const telemetry = new TelemetryRecorder();
    const { bot } = botWith({ telemetry });
    bot.command("limited", () => {
      throw new ClientError("rate_limited", "slow down", { retryAfterMs: 10 });
    });
    bot.on("message", () => {
      throw new ClientError("bad_request", "no");
    });
    const client = createTestClient(bot);
    await client.send("/limited");
    await client.send("other");
    expect(telemetry.log.filter((l) => l.startsWith("refused"))).toEqual([
      "refused rate_limited bot",
    ]);
    expect(outcomes(telemetry)).toEqual(["rate_limited", "bad_request"]);
  });
});

describe("typing", () => {
  it("is shown for a slow message, not for a slow connect update", async () => {
    const { bot } = botWith({ streaming: { typingDelayMs: 1, typingTtlMs: 1000 } });
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let connected = false;
    bot.on("connect", async () => {
      await gate;
      connected = true;
    });
    bot.on("message", async (ctx) => {
      await new Promise((r) => setTimeout(r, 30));
      await ctx.reply("done");
    });
    const client = createTestClient(bot);
    const answer = client.send("go");
    // Longer than the typing delay, while the connect update is stuck.
    await new Promise((r) => setTimeout(r, 30));
    expect(client.activities).toEqual([]);
    release();
    await answer;
    expect(connected).toBe(true);
    expect(client.activities.map((a) => a.kind)).toContain("typing");
  });
});
