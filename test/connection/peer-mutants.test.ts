import { afterEach, describe, expect, it } from "vitest";
import type { ConnectEvent, DisconnectEvent, ViolationEvent } from "../../src/core/events.js";
import type { TelemetryState } from "../../src/core/telemetry.js";
import { Bot, type BotOptions } from "../../src/index.js";
import { DEFAULT_LIMITS, HandshakeRejection, withHandshake } from "../../src/middleware/index.js";
import { type BrokerListener, MemoryBroker } from "../../src/storage/broker.js";
import { MemoryLedger } from "../../src/storage/memory-ledger.js";
import { until } from "../helpers/until.js";
import { type OpenOptions, rawHost } from "./raw-peer.js";
import { TelemetryRecorder } from "./telemetry-recorder.js";

// The protocol state machine of one connection (src/connection/peer.ts), driven frame by
// frame through a connection held in memory.

const bots: Bot[] = [];
afterEach(async () => {
  await Promise.all(bots.splice(0).map((b) => b.stop()));
});

/** A telemetry recorder that also keeps the bot's state (for its backlog). */
class StateRecorder extends TelemetryRecorder {
  state: TelemetryState | undefined;
  override attach(...args: unknown[]): void {
    const state = args[0] as TelemetryState;
    this.state = state;
  }
}

async function setup(options: BotOptions = {}, configure: (bot: Bot) => void = () => undefined) {
  const logs: string[] = [];
  const details: Array<{ message: string; error: unknown }> = [];
  const log = (message: string, d?: Record<string, unknown>) => {
    logs.push(message);
    details.push({ message, error: d?.error });
  };
  const bot = new Bot({ logger: { error: log, warn: log }, ...options });
  bots.push(bot);
  const events = {
    connect: [] as ConnectEvent[],
    disconnect: [] as DisconnectEvent[],
    violation: [] as ViolationEvent[],
  };
  bot.events.on("connect", (e) => events.connect.push(e));
  bot.events.on("disconnect", (e) => events.disconnect.push(e));
  bot.events.on("violation", (e) => events.violation.push(e));
  const updates: string[] = [];
  bot.use((ctx, next) => {
    updates.push(ctx.update === "message" ? `message ${ctx.text}` : ctx.update);
    return next();
  });
  configure(bot);
  bot.on("message", (ctx) => ctx.reply(`echo ${ctx.text}`));
  const open = await rawHost(bot);
  return { bot, open: (o?: OpenOptions) => open(o), logs, details, events, updates };
}

const tick = () => new Promise((r) => setTimeout(r, 5));

describe("frames a connection may not send", () => {
  it("a second hello is refused (bad_request), counted, and reported", async () => {
    const telemetry = new TelemetryRecorder();
    const { open, events } = await setup({ telemetry });
    const peer = open();
    await peer.hello();
    peer.send({ type: "hello" });
    expect(peer.of("error")).toEqual([
      { type: "error", code: "bad_request", message: "hello must be the first frame" },
    ]);
    expect(events.violation).toEqual([
      { connectionId: "raw-1", code: "bad_request", message: "hello must be the first frame" },
    ]);
    expect(telemetry.log).toContain("refused bad_request connection");
  });

  it("a hello after a first message is refused too", async () => {
    const { open } = await setup();
    const peer = open();
    peer.send({ type: "message", id: "m1", text: "hi" });
    peer.send({ type: "hello" });
    expect(peer.of("error")).toMatchObject([{ message: "hello must be the first frame" }]);
    await until(() => peer.of("message").length === 1, "reply");
    expect(peer.of("welcome")).toHaveLength(1);
  });

  it("an ack before the welcome is refused", async () => {
    const { open } = await setup();
    const peer = open();
    peer.send({ type: "ack", seq: 1 });
    expect(peer.of("error")).toEqual([
      { type: "error", code: "bad_request", message: "ack before welcome" },
    ]);
  });

  it("a binary frame is refused, naming what to send instead", async () => {
    const { open } = await setup();
    const peer = open();
    await peer.hello();
    peer.listener.binary();
    expect(peer.of("error")).toEqual([
      {
        type: "error",
        code: "bad_request",
        message: "binary frames are not supported; send JSON text",
      },
    ]);
    expect(peer.closed).toBeUndefined();
  });

  it("an invalid frame is answered with its own id", async () => {
    const { open } = await setup();
    const peer = open();
    await peer.hello();
    peer.send({ type: "message", id: "m1", text: 5 });
    expect(peer.of("error")[0]).toMatchObject({ code: "bad_request", replyTo: "m1" });
  });

  it("too many refused frames close the connection (4429)", async () => {
    const { open } = await setup({ limits: { maxViolations: 3 } });
    const peer = open();
    await peer.hello();
    for (let i = 0; i < 10 && peer.closed === undefined; i++) peer.listener.binary();
    // Refused and answered up to the limit; the one over it closes instead of answering.
    expect(peer.of("error")).toHaveLength(3);
    expect(peer.closed).toEqual({ code: 4429, reason: "too many violations" });
  });

  it("nothing is read once the connection closed", async () => {
    const { open, updates, events } = await setup();
    const peer = open();
    await peer.hello();
    peer.listener.close(1000, "bye");
    const frames = peer.frames.length;
    peer.send({ type: "message", id: "m1", text: "late" });
    peer.send({ type: "message", id: "m2", text: 5 }); // invalid: not even a violation now
    peer.listener.binary(); // nor a binary frame
    await tick();
    expect(peer.frames.length).toBe(frames);
    expect(updates).toEqual(["connect", "disconnect"]);
    expect(events.violation).toEqual([]);
  });

  it("nothing is written once the connection closed, not even a late handler's error", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { open } = await setup({}, (bot) =>
      bot.command("slow", async () => {
        await gate;
        throw new Error("too late");
      }),
    );
    const peer = open();
    await peer.hello();
    peer.send({ type: "message", id: "m1", text: "/slow" });
    await tick();
    peer.listener.close(1000, "bye");
    const frames = peer.frames.length;
    release();
    await until(() => !(peer.listener as unknown as { busy: boolean }).busy, "queue");
    expect(peer.frames.length).toBe(frames);
  });
});

describe("acks", () => {
  it("go to the ledger for the connection's session; the backlog counts what is unacked", async () => {
    const telemetry = new StateRecorder();
    const { open } = await setup({ telemetry });
    const peer = open();
    await peer.hello();
    for (const id of ["m1", "m2", "m3"]) peer.send({ type: "message", id, text: id });
    await until(() => peer.of("message").length === 3, "replies");
    peer.buffered = 123;
    expect(telemetry.state?.backlog()).toEqual({ messages: 3, bytes: 123 });
    peer.send({ type: "ack", seq: 2 });
    expect(telemetry.state?.backlog()).toEqual({ messages: 1, bytes: 123 });
    peer.buffered = 0;
  });
});

/** A connection whose messages record, by id, whether their signal was aborted at the start. */
async function recordingAborts() {
  const seen: Record<string, boolean> = {};
  const { open } = await setup({}, (bot) =>
    bot.use((ctx, next) => {
      if (ctx.update === "message") seen[String(ctx.message?.id)] = ctx.signal.aborted;
      return next();
    }),
  );
  return { seen, peer: open() };
}

describe("cancels", () => {
  it("sent before the welcome apply once the session is known", async () => {
    const { seen, peer } = await recordingAborts();
    peer.send({ type: "hello" });
    peer.send({ type: "cancel", id: "m1" });
    peer.send({ type: "message", id: "m1", text: "a" });
    peer.send({ type: "message", id: "m2", text: "b" });
    await until(() => Object.keys(seen).length === 2, "two messages");
    expect(seen).toEqual({ m1: true, m2: false });
  });

  it("before the welcome, only the first 16 are kept", async () => {
    const { seen, peer } = await recordingAborts();
    peer.send({ type: "hello" });
    for (let i = 0; i < 17; i++) peer.send({ type: "cancel", id: `c${i}` });
    peer.send({ type: "message", id: "c15", text: "a" });
    peer.send({ type: "message", id: "c16", text: "b" });
    await until(() => Object.keys(seen).length === 2, "two messages");
    expect(seen).toEqual({ c15: true, c16: false });
  });

  it("are refused (rate_limited, with their id) when the connection floods", async () => {
    const { open } = await setup({ limits: { burst: 1, messagesPerSecond: 1 } });
    const peer = open();
    await peer.hello();
    peer.send({ type: "cancel", id: "x1" });
    peer.send({ type: "cancel", id: "x2" });
    expect(peer.of("error")).toMatchObject([{ code: "rate_limited", replyTo: "x2" }]);
  });
});

describe("closing", () => {
  it("reports the close once, runs the disconnect update after queued messages", async () => {
    const telemetry = new TelemetryRecorder();
    const { open, events, updates } = await setup({ telemetry });
    const peer = open();
    const welcome = await peer.hello();
    peer.send({ type: "message", id: "m1", text: "last" });
    peer.listener.close(4000, "going");
    peer.listener.close(4001, "again");
    await until(() => updates.length === 3, "disconnect update");
    expect(updates).toEqual(["connect", "message last", "disconnect"]);
    expect(events.disconnect).toEqual([
      { connectionId: "raw-1", sessionId: welcome.session, code: 4000, reason: "going" },
    ]);
    expect(telemetry.log.filter((l) => l.startsWith("closed"))).toEqual(["closed 4000"]);
    expect(peer.closed).toEqual({ code: 4000, reason: "going" });
  });

  it("a connection closed before its welcome gets no disconnect update", async () => {
    const { open, events, updates } = await setup();
    const peer = open();
    peer.listener.close(1000, "never mind");
    await tick();
    expect(updates).toEqual([]);
    expect(events.disconnect).toEqual([
      { connectionId: "raw-1", sessionId: undefined, code: 1000, reason: "never mind" },
    ]);
  });

  it("survives a socket whose close throws", async () => {
    const { open, updates } = await setup({ limits: { maxViolations: 1 } });
    const peer = open({ closeThrows: true });
    await peer.hello();
    peer.listener.binary();
    peer.listener.binary(); // one violation too many: the bot closes
    expect(peer.closed).toEqual({ code: 4429, reason: "too many violations" });
    await until(() => updates.includes("disconnect"), "disconnect update");
  });

  it("a client that does not read is closed (1013) once its buffer is over the limit", async () => {
    const { open } = await setup({ limits: { maxBufferedBytes: 1000 } });
    const peer = open();
    await peer.hello();
    peer.buffered = 1000;
    peer.send({ type: "message", id: "m1", text: "a" });
    await until(() => peer.of("message").length === 1, "reply at the limit");
    expect(peer.closed).toBeUndefined();
    peer.buffered = 1001;
    peer.send({ type: "message", id: "m2", text: "b" });
    await until(() => peer.closed !== undefined, "close");
    expect(peer.closed).toEqual({ code: 1013, reason: "slow reader" });
    expect(peer.of("message")).toHaveLength(1);
  });
});

describe("the handshake", () => {
  it("tells telemetry of the hello, the welcome and the connect event of the user", async () => {
    const telemetry = new TelemetryRecorder();
    const login = withHandshake(
      (_ctx: unknown, next: () => Promise<void>) => next(),
      (handshake) => {
        handshake.user = { id: handshake.token };
      },
    );
    const { open, events } = await setup({ telemetry }, (bot) => bot.use(login));
    const peer = open();
    const traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    const welcome = await peer.hello({ token: "ann", traceparent });
    expect(telemetry.log.slice(0, 2)).toEqual([
      `hello raw-1 ${traceparent}`,
      "welcomed false false",
    ]);
    expect(events.connect).toEqual([
      { connectionId: "raw-1", sessionId: welcome.session, resumed: false, user: { id: "ann" } },
    ]);
  });

  it("a hook's HandshakeRejection is sent and closes with its code", async () => {
    const deny = withHandshake(
      (_ctx: unknown, next: () => Promise<void>) => next(),
      () => {
        throw new HandshakeRejection("unauthorized", 4401, "who are you");
      },
    );
    const { open, updates } = await setup({}, (bot) => bot.use(deny));
    const peer = open();
    peer.send({ type: "hello" });
    await until(() => peer.closed !== undefined, "close");
    expect(peer.frames).toEqual([{ type: "error", code: "unauthorized", message: "who are you" }]);
    expect(peer.closed).toEqual({ code: 4401, reason: "who are you" });
    expect(updates).toEqual([]);
  });

  it("a hook that fails otherwise is logged; the client gets internal and 1011", async () => {
    const broken = withHandshake(
      (_ctx: unknown, next: () => Promise<void>) => next(),
      () => {
        throw new Error("db down");
      },
    );
    const { open, details } = await setup({}, (bot) => bot.use(broken));
    const peer = open();
    peer.send({ type: "hello" });
    await until(() => peer.closed !== undefined, "close");
    expect(peer.frames).toEqual([{ type: "error", code: "internal", message: "internal error" }]);
    expect(peer.closed).toEqual({ code: 1011, reason: "internal error" });
    expect(details).toEqual([{ message: "handshake hook failed", error: new Error("db down") }]);
  });

  it("a connection closed while its hook runs is not welcomed", async () => {
    let release!: () => void;
    const slow = withHandshake(
      (_ctx: unknown, next: () => Promise<void>) => next(),
      () => new Promise<void>((r) => (release = r)),
    );
    const { open, updates } = await setup({}, (bot) => bot.use(slow));
    const peer = open();
    peer.send({ type: "hello" });
    await until(() => release !== undefined, "hook");
    peer.listener.close(1000, "bye");
    release();
    await tick();
    expect(peer.of("welcome")).toEqual([]);
    expect(updates).toEqual([]);
  });

  it("the hello timeout closes a silent connection (4408), not a welcomed one", async () => {
    const { open } = await setup();
    const silent = open({ helloTimeoutMs: 20 });
    const welcomed = open({ helloTimeoutMs: 20 });
    await welcomed.hello();
    await until(() => silent.closed !== undefined, "hello timeout");
    expect(silent.closed).toEqual({ code: 4408, reason: "hello timeout" });
    // Well past the timeout, the welcomed connection is still open.
    await new Promise((r) => setTimeout(r, 60));
    expect(welcomed.closed).toBeUndefined();
  });
});

describe("resuming", () => {
  it("replays what came after lastSeq, and welcomes with resumed", async () => {
    const telemetry = new TelemetryRecorder();
    const { open, events } = await setup({ telemetry });
    const first = open();
    const { session } = await first.hello();
    for (const id of ["m1", "m2", "m3"]) first.send({ type: "message", id, text: id });
    await until(() => first.of("message").length === 3, "replies");
    first.listener.close(1000, "bye");
    const second = open();
    const welcome = await second.hello({ session, lastSeq: 1 });
    expect(welcome).toMatchObject({ session, resumed: true, seq: 3 });
    expect(second.of("message").map((m) => m.text)).toEqual(["echo m2", "echo m3"]);
    expect(events.connect[1]).toMatchObject({ sessionId: session, resumed: true });
    expect(telemetry.log).toContain("welcomed true false");
  });

  it("a lastSeq beyond the session's seq replays nothing", async () => {
    const { open } = await setup();
    const first = open();
    const { session } = await first.hello();
    first.send({ type: "message", id: "m1", text: "a" });
    await until(() => first.of("message").length === 1, "reply");
    const second = open();
    await second.hello({ session, lastSeq: 99 });
    expect(second.of("message")).toEqual([]);
    // Later messages still arrive, in order.
    second.send({ type: "message", id: "m2", text: "b" });
    await until(() => second.of("message").length === 1, "reply");
    expect(second.of("message")[0]).toMatchObject({ seq: 2, text: "echo b" });
  });

  it("an unknown session gets a new one, with nothing of the old id's traffic", async () => {
    const { open } = await setup();
    const peer = open();
    const welcome = await peer.hello({ session: "no-such-session", lastSeq: 4 });
    expect(welcome).toMatchObject({ resumed: false, seq: 0 });
    expect(welcome.session).not.toBe("no-such-session");
    expect(peer.frames).toEqual([welcome]);
  });
});

/** A broker whose subscribes to a session's channel wait while `hold` is set (a slow Redis). */
class GatedBroker extends MemoryBroker {
  hold: Promise<void> | undefined;
  sessions = 0;
  override subscribe(channel: string, listener: BrokerListener): void {
    super.subscribe(channel, listener);
    if (!channel.startsWith("s:")) return;
    this.sessions++;
    if (this.hold !== undefined) return this.hold as unknown as undefined;
  }
}

/** A memory ledger whose `open` answers (as of the call) only when released. */
function gatedOpen(ledger: MemoryLedger) {
  const state = { opens: 0, hold: undefined as Promise<void> | undefined };
  const open = ledger.open.bind(ledger);
  Object.assign(ledger, {
    open: (request: Parameters<MemoryLedger["open"]>[0]) => {
      state.opens++;
      const result = open(request);
      return state.hold === undefined ? result : state.hold.then(() => result);
    },
  });
  return state;
}

function gate() {
  let release!: () => void;
  const promise = new Promise<void>((r) => (release = r));
  return { promise, release };
}

describe("closing during the handshake", () => {
  it("while the session is being attached: no welcome, no connect nor disconnect", async () => {
    const broker = new GatedBroker();
    const { open, updates, events } = await setup({ broker });
    const peer = open();
    const held = gate();
    broker.hold = held.promise;
    peer.send({ type: "hello" });
    await until(() => broker.sessions === 1, "attach");
    peer.listener.close(1000, "bye");
    held.release();
    await tick();
    await until(() => !(peer.listener as unknown as { busy: boolean }).busy, "queue");
    expect(peer.frames).toEqual([]);
    expect(updates).toEqual([]);
    expect(events.connect).toEqual([]);
  });
});

describe("closing while the ledger opens the session", () => {
  it("attaches nothing: the session is not subscribed to", async () => {
    const broker = new GatedBroker();
    const ledger = new MemoryLedger(DEFAULT_LIMITS);
    const opening = gatedOpen(ledger);
    const { open, updates } = await setup({ broker, ledger });
    const peer = open();
    const held = gate();
    opening.hold = held.promise;
    peer.send({ type: "hello" });
    await until(() => opening.opens === 1, "open");
    peer.listener.close(1000, "bye");
    held.release();
    await until(() => !(peer.listener as unknown as { busy: boolean }).busy, "queue");
    expect(broker.sessions).toBe(0);
    expect(peer.frames).toEqual([]);
    expect(updates).toEqual([]);
  });
});

describe("resuming while the ledger answers", () => {
  const login = withHandshake(
    (_ctx: unknown, next: () => Promise<void>) => next(),
    (handshake) => {
      if (handshake.token !== undefined) handshake.user = { id: handshake.token };
    },
  );

  async function twoConnections(tokens: [string, string]) {
    const ledger = new MemoryLedger(DEFAULT_LIMITS);
    const opening = gatedOpen(ledger);
    const env = await setup({ ledger }, (bot) => bot.use(login));
    const a = env.open();
    const { session } = await a.hello({ token: tokens[0] });
    const b = env.open();
    const held = gate();
    opening.hold = held.promise;
    b.send({ type: "hello", token: tokens[1], session, lastSeq: 0 });
    await until(() => opening.opens === 2, "B's open");
    // A message of A is answered while B's ledger.open is on its way.
    a.send({ type: "message", id: "a1", text: "meanwhile" });
    await until(() => a.of("message").length === 1, "A's reply");
    held.release();
    opening.hold = undefined;
    const welcome = await until(() => b.of("welcome").length === 1, "B's welcome").then(
      () => b.of("welcome")[0],
    );
    await until(() => !(b.listener as unknown as { busy: boolean }).busy, "B's connect");
    return { a, b, session, welcome };
  }

  it("gets what the session sent meanwhile (attached before the ledger was asked)", async () => {
    const { b, session, welcome } = await twoConnections(["ann", "ann"]);
    expect(welcome).toMatchObject({ session, resumed: true, seq: 0 });
    expect(b.of("message").map((m) => m.text)).toEqual(["echo meanwhile"]);
  });

  it("of another user's session: gets a session of its own, and nothing of that one", async () => {
    const { a, b, session, welcome } = await twoConnections(["ann", "bob"]);
    expect(welcome).toMatchObject({ resumed: false });
    expect(welcome?.session).not.toBe(session);
    a.send({ type: "message", id: "a2", text: "later" });
    await until(() => a.of("message").length === 2, "A's second reply");
    await tick();
    expect(b.of("message")).toEqual([]);
  });
});

describe("resuming with a lastSeq", () => {
  it("asks the ledger with the client's lastSeq: no gap when it missed nothing dropped", async () => {
    const { open } = await setup({ limits: { outboxMessages: 2 } });
    const a = open();
    const { session } = await a.hello();
    for (const id of ["m1", "m2", "m3", "m4"]) a.send({ type: "message", id, text: id });
    await until(() => a.of("message").length === 4, "replies");
    const b = open();
    const welcome = await b.hello({ session, lastSeq: 3 });
    expect(welcome).toMatchObject({ resumed: true, seq: 4 });
    expect(welcome.gap ?? false).toBe(false);
    expect(b.of("message").map((m) => m.seq)).toEqual([4]);
    const c = open();
    expect(await c.hello({ session, lastSeq: 1 })).toMatchObject({ resumed: true, gap: true });
  });
});

describe("a connection whose seqs stop adding up", () => {
  it("is closed (1013 out of sync) so that its client resumes", async () => {
    const broker = new MemoryBroker();
    const { open } = await setup({ broker });
    const peer = open();
    const { session } = await peer.hello();
    // Entries from another node, none of them the next seq: too many to hold.
    for (let seq = 3; seq < 3 + 300; seq++) {
      const frame = JSON.stringify({ type: "message", seq, text: "x" });
      broker.publish(`s:${session}`, JSON.stringify({ n: "elsewhere", s: seq, f: frame }));
    }
    await until(() => peer.closed !== undefined, "close");
    expect(peer.closed).toEqual({ code: 1013, reason: "out of sync" });
  });
});
