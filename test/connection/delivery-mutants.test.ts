import { afterEach, describe, expect, it, vi } from "vitest";
import type { HandledEvent } from "../../src/core/events.js";
import { Bot, type Context } from "../../src/index.js";
import { DEFAULT_LIMITS } from "../../src/middleware/index.js";
import { SessionLostError } from "../../src/storage/errors.js";
import type { Claim, OutboxEntry } from "../../src/storage/ledger.js";
import { MemoryLedger } from "../../src/storage/memory-ledger.js";
import { until } from "../helpers/until.js";
import { type RawPeer, rawHost } from "./raw-peer.js";
import { TelemetryRecorder } from "./telemetry-recorder.js";

// At-most-once delivery (src/connection/delivery.ts): the claim, its renewal, the wait for a
// claim held elsewhere, the replay of a re-sent message, and what each ledger failure does.

/** A memory ledger whose answers a test can replace, and that records what it was asked. */
class ScriptedLedger extends MemoryLedger {
  calls: string[] = [];
  claims: Array<(session: string, id: string) => Claim | Promise<Claim> | undefined> = [];
  onClaim: ((session: string, id: string) => Claim | Promise<Claim> | undefined) | undefined;
  onSettle: (() => void | Promise<void>) | undefined;
  onRenew: ((id: string) => void | Promise<void>) | undefined;
  constructor() {
    super(DEFAULT_LIMITS);
  }
  override claim(session: string, id: string): Claim {
    this.calls.push(`claim ${id}`);
    const scripted = (this.claims.shift() ?? this.onClaim)?.(session, id);
    return (scripted ?? super.claim(session, id)) as Claim;
  }
  override settle(session: string, id: string, seqs: readonly number[]): void {
    this.calls.push(`settle ${id} [${seqs.join(",")}]`);
    const scripted = this.onSettle?.();
    if (scripted !== undefined) return scripted as unknown as undefined;
    super.settle(session, id, seqs);
  }
  onRelease: (() => void | Promise<void>) | undefined;
  override release(session: string, id: string): void {
    this.calls.push(`release ${id}`);
    const scripted = this.onRelease?.();
    if (scripted !== undefined) return scripted as unknown as undefined;
    super.release(session, id);
  }
}

/** The same, with renewable claims. */
class RenewingLedger extends ScriptedLedger {
  renewals = 0;
  renewClaim(_session: string, id: string): void | Promise<void> {
    this.renewals++;
    return this.onRenew?.(id);
  }
}

class LeasedLedger extends RenewingLedger {
  readonly claimLeaseMs = 300;
}

const bots: Bot[] = [];
afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(bots.splice(0).map((b) => b.stop()));
});

interface Setup {
  ledger?: MemoryLedger;
  telemetry?: TelemetryRecorder;
  turnTimeoutMs?: number;
}

type Handler = (ctx: Context, next: () => Promise<void>) => unknown;

async function setup(options: Setup, handler: Handler = () => undefined) {
  const logs: Array<{ level: string; message: string; error: unknown }> = [];
  const log =
    (level: string) =>
    (message: string, details?: Record<string, unknown>): void =>
      void logs.push({ level, message, error: details?.error });
  const bot = new Bot({
    logger: { error: log("error"), warn: log("warn") },
    ...(options.ledger && { ledger: options.ledger }),
    ...(options.telemetry && { telemetry: options.telemetry }),
    ...(options.turnTimeoutMs !== undefined && { turnTimeoutMs: options.turnTimeoutMs }),
  });
  bots.push(bot);
  const handled: HandledEvent[] = [];
  bot.events.on("handled", (e) => handled.push(e));
  let runs = 0;
  bot.on("message", (ctx, next) => {
    runs++;
    return handler(ctx, next) as undefined;
  });
  const open = await rawHost(bot);
  const peer = open();
  await peer.hello();
  return { bot, peer, logs, handled, runs: () => runs, open };
}

const msg = (id: string, text = "hi") => ({ type: "message", id, text });
/** Frames after the welcome, without activities. */
const answers = (peer: RawPeer) =>
  peer.frames.filter((f) => f.type !== "welcome" && f.type !== "activity");

describe("a re-sent message", () => {
  it("that was handled without replies gets its receipt again, and runs once", async () => {
    const ledger = new ScriptedLedger();
    const { peer, runs } = await setup({ ledger });
    peer.send(msg("m1"));
    peer.send(msg("m1"));
    await until(() => answers(peer).length === 2, "two answers");
    expect(answers(peer)).toEqual([
      { type: "receipt", id: "m1" },
      { type: "receipt", id: "m1" },
    ]);
    expect(runs()).toBe(1);
    expect(ledger.calls).toEqual(["claim m1", "settle m1 []", "claim m1"]);
  });

  it("that replied gets its replies again, and no receipt", async () => {
    const ledger = new ScriptedLedger();
    const { peer, runs } = await setup({ ledger }, (ctx) => ctx.reply("answer"));
    peer.send(msg("m1"));
    peer.send(msg("m1"));
    await until(() => answers(peer).length === 2, "two answers");
    const [first, second] = answers(peer);
    expect(first).toMatchObject({ type: "message", text: "answer", replyTo: "m1" });
    expect(second).toEqual(first);
    expect(runs()).toBe(1);
  });

  it("whose handler replied and then failed is settled with its replies, not released", async () => {
    const ledger = new ScriptedLedger();
    const { peer } = await setup({ ledger }, async (ctx) => {
      await ctx.reply("partial");
      throw new Error("boom");
    });
    peer.send(msg("m1"));
    await until(() => peer.of("error").length === 1, "error");
    const seq = peer.of("message")[0]?.seq;
    expect(ledger.calls).toEqual(["claim m1", `settle m1 [${seq}]`]);
  });

  it("whose handler failed without replying is released, to run again", async () => {
    const ledger = new ScriptedLedger();
    let fail = true;
    const { peer, runs } = await setup({ ledger }, (ctx) => {
      if (fail) throw new Error("boom");
      return ctx.reply("second try");
    });
    peer.send(msg("m1"));
    await until(() => peer.of("error").length === 1, "error");
    fail = false;
    peer.send(msg("m1"));
    await until(() => peer.of("message").length === 1, "reply");
    expect(runs()).toBe(2);
    expect(ledger.calls).toEqual(["claim m1", "release m1", "claim m1", "settle m1 [1]"]);
  });
});

describe("a claim held elsewhere", () => {
  it("is waited for, then its replies are replayed", async () => {
    const ledger = new ScriptedLedger();
    const { peer, runs } = await setup({ ledger });
    const entry: OutboxEntry = {
      seq: 7,
      frame: '{"type":"message","seq":7,"text":"from elsewhere"}',
    };
    ledger.claims.push(
      () => ({ state: "pending" }),
      () => ({ state: "pending" }),
      () => ({ state: "done", replies: [entry] }),
    );
    peer.send(msg("m1"));
    await until(() => answers(peer).length > 0, "replay");
    expect(answers(peer)).toEqual([{ type: "message", seq: 7, text: "from elsewhere" }]);
    expect(runs()).toBe(0);
    expect(ledger.calls).toEqual(["claim m1", "claim m1", "claim m1"]);
  });

  it("that expired is taken over: the handler runs here", async () => {
    const ledger = new ScriptedLedger();
    const { peer, runs } = await setup({ ledger }, (ctx) => ctx.reply("ran here"));
    ledger.claims.push(() => ({ state: "pending" }));
    peer.send(msg("m1"));
    await until(() => peer.of("message").length === 1, "reply");
    expect(peer.of("message")[0]).toMatchObject({ text: "ran here", replyTo: "m1" });
    expect(runs()).toBe(1);
  });

  it("is polled with a doubling delay from 10 ms up to 500 ms", async () => {
    const ledger = new ScriptedLedger();
    const polls: number[] = [];
    const { peer } = await setup({ ledger, turnTimeoutMs: 60_000 });
    vi.useFakeTimers({ toFake: ["setTimeout", "Date"] });
    ledger.onClaim = () => {
      polls.push(Date.now());
      return { state: "pending" };
    };
    peer.send(msg("m1"));
    for (let i = 0; i < 12 && polls.length < 10; i++) await vi.advanceTimersToNextTimerAsync();
    const gaps = polls.slice(1).map((t, i) => t - (polls[i] as number));
    expect(gaps).toEqual([10, 20, 40, 80, 160, 320, 500, 500, 500]);
    // Let the wait end, so the bot can stop.
    ledger.onClaim = () => ({ state: "done", replies: [] });
    await vi.advanceTimersToNextTimerAsync();
    expect(answers(peer)).toEqual([{ type: "receipt", id: "m1" }]);
  });

  it("gives up after turnTimeoutMs plus the claim lease: an error naming the message", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const ledger = new LeasedLedger(); // claimLeaseMs 300
    const { peer, logs } = await setup({ ledger, turnTimeoutMs: 1000 });
    const start = Date.now();
    const clock = [0, 1300, 1301]; // the deadline is start + 1300: not passed, then passed
    let polls = 0;
    ledger.onClaim = () => {
      vi.setSystemTime(start + (clock[polls++] ?? 1301));
      return { state: "pending" };
    };
    peer.send(msg("m1"));
    await until(() => peer.of("error").length === 1, "error");
    expect(polls).toBe(3);
    expect(peer.of("error")[0]).toMatchObject({ code: "internal", replyTo: "m1" });
    const failure = logs.find((l) => l.message === "ledger claim failed");
    expect(String((failure?.error as Error)?.message)).toBe(
      "message m1 is still being handled elsewhere",
    );
  });

  it("without a lease from the ledger, waits turnTimeoutMs plus 10 s", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const ledger = new ScriptedLedger();
    const { peer } = await setup({ ledger, turnTimeoutMs: 1000 });
    const start = Date.now();
    const clock = [0, 11_000, 11_001];
    let polls = 0;
    ledger.onClaim = () => {
      vi.setSystemTime(start + (clock[polls++] ?? 11_001));
      return { state: "pending" };
    };
    peer.send(msg("m1"));
    // until() reads the (faked) clock, which jumps past its own deadline here.
    for (let i = 0; i < 2000 && peer.of("error").length === 0; i++) {
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(peer.of("error")).toHaveLength(1);
    expect(polls).toBe(3);
  });

  it("stops being polled when the connection closes", async () => {
    const ledger = new ScriptedLedger();
    const { peer, runs } = await setup({ ledger });
    let polls = 0;
    ledger.onClaim = () => {
      polls++;
      return { state: "pending" };
    };
    peer.send(msg("m1"));
    await until(() => polls >= 2, "two polls");
    peer.listener.close(1000, "bye");
    const at = polls;
    // Polls come every 10-40 ms by now: a few of them would have been made meanwhile.
    await new Promise((r) => setTimeout(r, 300));
    expect(polls).toBeLessThanOrEqual(at + 1);
    expect(runs()).toBe(0);
  });

  it("whose poll fails answers the message with an internal error", async () => {
    const ledger = new ScriptedLedger();
    const { peer, logs } = await setup({ ledger });
    ledger.claims.push(
      () => ({ state: "pending" }),
      () => Promise.reject(new Error("ledger down")),
    );
    peer.send(msg("m1"));
    await until(() => peer.of("error").length === 1, "error");
    expect(peer.of("error")[0]).toMatchObject({ code: "internal", replyTo: "m1" });
    expect(logs.map((l) => l.message)).toContain("ledger claim failed");
  });
});

describe("a claim that fails", () => {
  for (const how of ["throws", "rejects"] as const) {
    it(`(${how}) answers the message with an internal error and is logged`, async () => {
      const ledger = new ScriptedLedger();
      const telemetry = new TelemetryRecorder();
      const { peer, logs, runs } = await setup({ ledger, telemetry });
      const boom = new Error("ledger down");
      ledger.claims.push(() => {
        if (how === "throws") throw boom;
        return Promise.reject(boom);
      });
      peer.send(msg("m1"));
      await until(() => peer.of("error").length === 1, "error");
      expect(peer.of("error")[0]).toEqual({
        type: "error",
        code: "internal",
        message: "internal error",
        replyTo: "m1",
      });
      expect(logs).toEqual([{ level: "error", message: "ledger claim failed", error: boom }]);
      expect(telemetry.spans).toEqual([{ step: "ledger.claim", failed: true }]);
      expect(runs()).toBe(0);
      expect(peer.closed).toBeUndefined();
    });
  }

  it("because the session is gone closes the connection (1011 session lost)", async () => {
    const ledger = new ScriptedLedger();
    const { peer } = await setup({ ledger });
    ledger.claims.push(() => {
      throw new SessionLostError("0123456789abcdef");
    });
    peer.send(msg("m1"));
    await until(() => peer.closed !== undefined, "close");
    expect(peer.closed).toEqual({ code: 1011, reason: "session lost" });
    expect(peer.of("error")).toEqual([]);
  });
});

describe("a settle that fails", () => {
  it("is logged; the message still counts as handled, with its receipt", async () => {
    const ledger = new ScriptedLedger();
    const { peer, logs, handled } = await setup({ ledger });
    const boom = new Error("settle down");
    ledger.onSettle = () => Promise.reject(boom);
    peer.send(msg("m1"));
    await until(() => handled.length === 1, "handled");
    expect(logs).toEqual([{ level: "error", message: "ledger settle failed", error: boom }]);
    expect(answers(peer)).toEqual([{ type: "receipt", id: "m1" }]);
    expect(handled[0]).toMatchObject({ id: "m1", failed: false });
  });
});

describe("a turn that breaks the connection driver", () => {
  for (const sync of [true, false]) {
    it(`(${sync ? "synchronous" : "asynchronous"}) closes the connection, releases the claim and ends the trace`, async () => {
      const ledger = new ScriptedLedger();
      const telemetry = new TelemetryRecorder();
      const { peer, logs } = await setup(
        { ledger, telemetry },
        sync ? () => undefined : () => new Promise((r) => setTimeout(r, 1)),
      );
      // Telemetry that throws where the chain's end is reported: not a handler error.
      const boom = new Error("telemetry broke");
      const recorder = telemetry as unknown as { message: () => { answered: () => void } };
      const original = recorder.message.bind(telemetry);
      recorder.message = () => ({
        ...original(),
        answered: () => {
          throw boom;
        },
      });
      peer.send(msg("m1"));
      await until(() => peer.closed !== undefined, "close");
      expect(peer.closed).toEqual({ code: 1011, reason: "internal error" });
      expect(telemetry.ended).toBe(1);
      expect(logs).toContainEqual({
        level: "error",
        message: "connection task failed",
        error: boom,
      });
      if (sync) expect(ledger.calls).toEqual(["claim m1", "release m1"]);
    });
  }
});

describe("a release that fails after the driver broke", () => {
  for (const how of ["throws", "rejects"] as const) {
    it(`(${how}) is logged, and the connection still closes`, async () => {
      const ledger = new ScriptedLedger();
      const telemetry = new TelemetryRecorder();
      const { peer, logs } = await setup({ ledger, telemetry });
      const recorder = telemetry as unknown as { message: () => { answered: () => void } };
      const original = recorder.message.bind(telemetry);
      recorder.message = () => ({
        ...original(),
        answered: () => {
          throw new Error("telemetry broke");
        },
      });
      const boom = new Error("release failed");
      ledger.onRelease = () => {
        if (how === "throws") throw boom;
        return Promise.reject(boom);
      };
      peer.send(msg("m1"));
      await until(() => peer.closed !== undefined, "close");
      await until(() => logs.some((l) => l.message === "ledger release failed"), "log");
      expect(logs).toContainEqual({
        level: "error",
        message: "ledger release failed",
        error: boom,
      });
      expect(peer.closed).toEqual({ code: 1011, reason: "internal error" });
    });
  }
});

describe("the claim's renewal while a handler runs", () => {
  it("renews every third of the ledger's lease, and stops when the handler is done", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    const ledger = new LeasedLedger(); // claimLeaseMs 300
    let finish!: () => void;
    const { peer } = await setup({ ledger }, () => new Promise<void>((r) => (finish = r)));
    peer.send(msg("m1"));
    await until(() => finish !== undefined, "handler");
    vi.advanceTimersByTime(99);
    expect(ledger.renewals).toBe(0);
    vi.advanceTimersByTime(1);
    expect(ledger.renewals).toBe(1);
    vi.advanceTimersByTime(200);
    expect(ledger.renewals).toBe(3);
    finish();
    await until(() => peer.of("receipt").length === 1, "receipt");
    vi.advanceTimersByTime(1000);
    expect(ledger.renewals).toBe(3);
  });

  it("assumes a 10 s lease when the ledger does not say", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    const ledger = new RenewingLedger();
    let finish!: () => void;
    const { peer } = await setup({ ledger }, () => new Promise<void>((r) => (finish = r)));
    peer.send(msg("m1"));
    await until(() => finish !== undefined, "handler");
    vi.advanceTimersByTime(3332);
    expect(ledger.renewals).toBe(0);
    vi.advanceTimersByTime(1);
    expect(ledger.renewals).toBe(1);
    finish();
    await until(() => peer.of("receipt").length === 1, "receipt");
  });

  for (const how of ["throws", "rejects"] as const) {
    it(`logs a renewal that ${how} and goes on renewing`, async () => {
      vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
      const ledger = new LeasedLedger();
      const boom = new Error("renew failed");
      ledger.onRenew = () => {
        if (how === "throws") throw boom;
        return Promise.reject(boom);
      };
      let finish!: () => void;
      const { peer, logs } = await setup({ ledger }, () => new Promise<void>((r) => (finish = r)));
      peer.send(msg("m1"));
      await until(() => finish !== undefined, "handler");
      vi.advanceTimersByTime(200);
      await until(() => logs.length === 2, "two warnings");
      expect(logs).toEqual([
        { level: "warn", message: "ledger claim renewal failed", error: boom },
        { level: "warn", message: "ledger claim renewal failed", error: boom },
      ]);
      finish();
      await until(() => peer.of("receipt").length === 1, "receipt");
    });
  }

  it("stops when the handling fails in the driver, which closes the connection", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    const ledger = new LeasedLedger();
    const telemetry = new TelemetryRecorder();
    let finish!: () => void;
    const { peer } = await setup(
      { ledger, telemetry },
      () => new Promise<void>((r) => (finish = r)),
    );
    const recorder = telemetry as unknown as { message: () => { answered: () => void } };
    const original = recorder.message.bind(telemetry);
    recorder.message = () => ({
      ...original(),
      answered: () => {
        throw new Error("telemetry broke");
      },
    });
    peer.send(msg("m1"));
    await until(() => finish !== undefined, "handler");
    finish();
    await until(() => peer.closed !== undefined, "close");
    const renewals = ledger.renewals;
    vi.advanceTimersByTime(1000);
    expect(ledger.renewals).toBe(renewals);
  });
});

describe("the handled event", () => {
  it("reports the connection, session, id, outcome and the time from arrival", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const { peer, handled } = await setup({}, () => {
      vi.setSystemTime(Date.now() + 1234);
    });
    peer.send(msg("m1"));
    await until(() => handled.length === 1, "handled");
    const welcome = peer.of("welcome")[0];
    expect(handled[0]).toEqual({
      connectionId: "raw-1",
      sessionId: welcome?.session,
      id: "m1",
      failed: false,
      durationMs: 1234,
    });
  });
});
