/**
 * The cases of the transport conformance suite. Each starts a small bot through the
 * fixture, drives it over real client connections of the transport, and stops it again.
 * Nothing is timed: every wait polls for an outcome, with a generous deadline.
 * @module
 */
import { Bot } from "../bot/bot.js";
import type { DisconnectEvent } from "../core/events.js";
import { suiteAssert } from "../storage/suite-assert.js";
import type {
  RunningTransport,
  SuiteSocket,
  TransportCaseName,
  TransportFixture,
} from "./transport-fixture.js";

const { same, ok } = suiteAssert("transport suite");
const fail: (message: string) => never = suiteAssert("transport suite").fail;

/** The suite bot's limit on unread bytes: small, so a slow reader is found quickly. */
const MAX_BUFFERED_BYTES = 64 * 1024;
const HELLO_TIMEOUT_MS = 300;

interface Frame {
  type?: string;
  [field: string]: unknown;
}

/** Waits until `check` holds; fails after 10 s (a deadline, not a measurement). */
async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) fail(`${what} did not happen within 10 s`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function frames(socket: SuiteSocket): Frame[] {
  return socket.received.map((raw) => JSON.parse(raw) as Frame);
}

/** Waits for the first frame of `type` after the first `skip` frames. */
async function next(socket: SuiteSocket, type: string, skip = 0): Promise<Frame> {
  let found: Frame | undefined;
  await until(() => {
    found = frames(socket)
      .slice(skip)
      .find((f) => f.type === type);
    return found !== undefined;
  }, `a "${type}" frame`);
  return found as Frame;
}

/** A bot that echoes, and records the disconnect updates and events it sees. */
function suiteBot() {
  const bot = new Bot({ limits: { maxBufferedBytes: MAX_BUFFERED_BYTES } });
  const disconnects: DisconnectEvent[] = [];
  const updates: string[] = [];
  bot.events.on("disconnect", (event) => disconnects.push(event));
  bot.on("disconnect", (ctx) => {
    updates.push(ctx.sessionId);
  });
  bot.on("message", (ctx) => ctx.reply(`echo: ${ctx.text ?? ""}`));
  return { bot, disconnects, updates };
}

/** Starts the suite bot on the fixture, runs `body`, and always stops both. */
async function withTransport(
  fixture: TransportFixture,
  body: (running: RunningTransport, bot: ReturnType<typeof suiteBot>) => Promise<void>,
): Promise<void> {
  const suite = suiteBot();
  const running = await fixture.start(suite.bot, { helloTimeoutMs: HELLO_TIMEOUT_MS });
  try {
    await body(running, suite);
  } finally {
    await running.close();
    await suite.bot.stop();
  }
}

/** Why a case cannot run: the client lacks a capability and the fixture did not say so. */
function missing(capability: string, title: string): string {
  return `the suite socket has no ${capability}(); if the client cannot, list "${title}…" in fixture.notApplicable with the reason`;
}

/** Opens a connection and completes the handshake; resolves with the socket and its welcome. */
async function welcomed(running: RunningTransport) {
  const socket = await running.connect();
  socket.send(JSON.stringify({ type: "hello" }));
  const welcome = await next(socket, "welcome");
  return { socket, session: welcome.session as string };
}

export const transportCases = {
  "answers hello with a welcome": (fixture: TransportFixture) =>
    withTransport(fixture, async (running) => {
      const { socket } = await welcomed(running);
      const welcome = frames(socket)[0];
      same(
        [welcome?.type, welcome?.v, welcome?.resumed, welcome?.seq],
        ["welcome", 1, false, 0],
        "welcome",
      );
      ok(typeof welcome?.session === "string" && welcome.session.length >= 22, "session id");
    }),

  "takes a frame that is not JSON as a plain text message": (fixture: TransportFixture) =>
    withTransport(fixture, async (running) => {
      const socket = await running.connect();
      socket.send("hello there");
      await next(socket, "welcome");
      const reply = await next(socket, "message");
      same([reply.text, reply.seq], ["echo: hello there", 1], "reply to plain text");
    }),

  "answers a binary frame with bad_request and keeps the connection": (fixture: TransportFixture) =>
    withTransport(fixture, async (running) => {
      const { socket } = await welcomed(running);
      socket.sendBinary();
      const error = await next(socket, "error");
      same(error.code, "bad_request", "error code for a binary frame");
      socket.send(JSON.stringify({ type: "message", id: "m1", text: "still here" }));
      const reply = await next(socket, "message");
      same([reply.text, reply.replyTo], ["echo: still here", "m1"], "reply after the error");
    }),

  "closes a client that stops reading with 1013": (fixture: TransportFixture) =>
    withTransport(fixture, async (running, { bot, disconnects }) => {
      const { socket, session } = await welcomed(running);
      if (socket.pause === undefined) fail(missing("pause", "closes a client that stops reading"));
      socket.pause();
      const chunk = "x".repeat(16 * 1024);
      // Far more than the limit plus every buffer on the way (8000 × 16 KiB = 125 MiB).
      for (let sent = 0; disconnects.length === 0 && sent < 8000; sent++) {
        await bot.sendTo({ session }, chunk);
      }
      same(disconnects.length, 1, "disconnects of a slow reader");
      same([disconnects[0]?.code, disconnects[0]?.reason], [1013, "slow reader"], "close");
    }),

  "closes a connection that says nothing with 4408": (fixture: TransportFixture) =>
    withTransport(fixture, async (running) => {
      const socket = await running.connect();
      same(await socket.closed, 4408, "close code of a silent connection");
      same(socket.received.length, 0, "frames sent to a silent connection");
    }),

  "reports a client's close as a disconnect, to the chain and to events": (
    fixture: TransportFixture,
  ) =>
    withTransport(fixture, async (running, { disconnects, updates }) => {
      const { socket, session } = await welcomed(running);
      socket.close();
      await socket.closed;
      await until(() => updates.length === 1, "the disconnect update");
      same(updates, [session], "sessions of disconnect updates");
      same(
        disconnects.map((d) => d.sessionId),
        [session],
        "disconnect events",
      );
    }),

  "contains a connection that breaks: the others go on": (fixture: TransportFixture) =>
    withTransport(fixture, async (running, { disconnects }) => {
      const broken = await welcomed(running);
      const healthy = await welcomed(running);
      if (broken.socket.break === undefined) fail(missing("break", "contains a connection"));
      broken.socket.break();
      await broken.socket.closed;
      await until(() => disconnects.length === 1, "the broken connection's disconnect");
      healthy.socket.send(JSON.stringify({ type: "message", id: "h1", text: "ping" }));
      const reply = await next(healthy.socket, "message");
      same(reply.text, "echo: ping", "reply on the healthy connection");
    }),
} satisfies Record<TransportCaseName, (fixture: TransportFixture) => Promise<void>>;
