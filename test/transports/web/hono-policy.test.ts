import { afterEach, describe, expect, it } from "vitest";
import { Bot } from "../../../src/bot/bot.js";
import type { WebTransportOptions } from "../../../src/transports/web/index.js";
import { serveOnHono } from "./hono-server.js";

// The shared admission policy through wire.hono(): refused before the WebSocket exists, with
// the same statuses as botwire/ws; real sockets (@hono/node-server, @hono/node-ws, ws).

const running: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const served of running.splice(0)) await served.close();
});

async function start(options: WebTransportOptions = {}) {
  const bot = new Bot();
  bot.on("message", (ctx) => ctx.reply(`echo: ${ctx.text ?? ""}`));
  const served = await serveOnHono(bot, { heartbeatMs: 0, ...options });
  running.push(served);
  return served;
}

const statusOf = (attempt: Promise<unknown>) =>
  attempt.then(
    () => 101,
    (error: { status?: number }) => error.status,
  );

async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("did not happen within 10 s");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe("botwire/web on Hono: admission", () => {
  it("refuses a foreign origin with 403 and accepts an allowed one", async () => {
    const served = await start({ allowedOrigins: ["https://app.example"] });
    expect(await statusOf(served.connect({ origin: "https://evil.example" }))).toBe(403);
    expect(await statusOf(served.connect({ origin: "https://app.example" }))).toBe(101);
  });

  it("allows only the server's own origin by default", async () => {
    const served = await start();
    const own = `http://127.0.0.1:${served.port}`;
    expect(await statusOf(served.connect({ origin: "https://evil.example" }))).toBe(403);
    expect(await statusOf(served.connect({ origin: own }))).toBe(101);
  });

  it("refuses beyond maxConnections with 503, and admits again once one closed", async () => {
    const served = await start({ maxConnections: 1 });
    const first = await served.connect();
    expect(await statusOf(served.connect())).toBe(503);
    first.close();
    await first.closed;
    await until(() => served.wire.connections === 0);
    expect(await statusOf(served.connect())).toBe(101);
  });

  it("refuses beyond maxConnectionsPerIp with 429 (the address from @hono/node-server)", async () => {
    const served = await start({ maxConnectionsPerIp: 1 });
    await served.connect();
    expect(await statusOf(served.connect())).toBe(429);
  });

  it("hands the upgrade hook the request and its user to the bot", async () => {
    const bot = new Bot();
    bot.on("message", (ctx) => ctx.reply(`user: ${String(ctx.user)}`));
    const served = await serveOnHono(bot, {
      heartbeatMs: 0,
      upgrade: (request) =>
        request.headers.get("x-user") === null ? false : { user: request.headers.get("x-user") },
    });
    running.push(served);
    expect(await statusOf(served.connect())).toBe(401);
    const socket = await served.connect({ "x-user": "ada" });
    socket.send("hi");
    await until(() => socket.received.some((f) => f.includes("user: ada")));
  });

  it("passes requests that are not upgrades to the next handler", async () => {
    const served = await start();
    const response = await fetch(`http://127.0.0.1:${served.port}/chat`);
    expect(await response.text()).toBe("plain page");
  });
});

describe("botwire/web on Hono: frames and liveness", () => {
  it("closes with 1009 on a frame over maxPayload", async () => {
    const served = await start({ maxPayload: 1024 });
    const socket = await served.connect();
    socket.send("x".repeat(2000));
    expect(await socket.closed).toBe(1009);
  });

  it("pings through ws and drops a peer that does not answer (heartbeatMs)", async () => {
    const served = await start({ heartbeatMs: 50 });
    const quiet = await served.connect();
    const alive = await served.connect();
    quiet.ws.pause(); // reads nothing: no pongs (nor the end of its connection)
    await until(() => served.wire.connections === 1);
    alive.send("still here");
    await until(() => alive.received.some((f) => f.includes("echo: still here")));
  });
});
