import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocketServer } from "ws";
import {
  BotClient,
  type BotMessage,
  type CloseEvent,
  ConnectionClosedError,
  ProtocolError,
  type ReconnectingEvent,
  ServerError,
} from "../../src/client/node.js";
import { Bot } from "../../src/index.js";
import { HandshakeRejection, withHandshake } from "../../src/middleware/index.js";
import { fast, serveBot, until } from "./helpers.js";

const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

describe("BotClient lifecycle", () => {
  it("stops retrying after a fatal close (4401) and rejects connect()", async () => {
    const bot = new Bot();
    let attempts = 0;
    bot.use(
      withHandshake(
        (_ctx, next) => next(),
        () => {
          attempts++;
          throw new HandshakeRejection("unauthorized", 4401, "bad token");
        },
      ),
    );
    const served = await serveBot(bot);
    cleanup.push(() => served.stop());
    const client = new BotClient(served.url, { ...fast, token: "wrong" });
    const closes: CloseEvent[] = [];
    const retries: ReconnectingEvent[] = [];
    const errors: Error[] = [];
    client.on("close", (e) => closes.push(e));
    client.on("reconnecting", (e) => retries.push(e));
    client.on("error", (e) => errors.push(e));
    const error = await client.connect().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionClosedError);
    expect(error).toMatchObject({ code: 4401, fatal: true });
    expect(errors.map((e) => (e as { code?: string }).code)).toEqual(["unauthorized"]);
    expect(client.state).toBe("closed");
    expect(closes).toEqual([{ code: 4401, reason: "bad token", willReconnect: false }]);
    expect(retries).toEqual([]);
    // Give a wrongly scheduled retry (5–20 ms backoff) ample chance to show up.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(attempts).toBe(1);
    expect(retries).toEqual([]);
  });

  it("retries with backoff while the server is down, and not at all after close()", async () => {
    const bot = new Bot();
    const served = await serveBot(bot);
    const client = new BotClient(served.url, fast);
    const retries: ReconnectingEvent[] = [];
    client.on("reconnecting", (e) => retries.push(e));
    await client.connect();
    await served.stop();
    await until(() => retries.length >= 3, "three retries");
    expect(retries.slice(0, 3).map((r) => r.attempt)).toEqual([1, 2, 3]);
    for (const r of retries) expect(r.delayMs).toBeLessThanOrEqual(20);
    await client.close();
    const seen = retries.length;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(retries.length).toBe(seen);
    expect(client.state).toBe("closed");
  });

  it("gives up after reconnect.maxRetries failed attempts", async () => {
    const bot = new Bot();
    const served = await serveBot(bot);
    const client = new BotClient(served.url, {
      reconnect: { initialDelayMs: 1, maxDelayMs: 2, maxRetries: 2 },
    });
    const retries: ReconnectingEvent[] = [];
    client.on("reconnecting", (e) => retries.push(e));
    const closed = new Promise<CloseEvent>((resolve) =>
      client.on("close", (e) => !e.willReconnect && resolve(e)),
    );
    await client.connect();
    const pending = client.request("never answered");
    await served.stop();
    expect(await closed).toMatchObject({ willReconnect: false });
    expect(retries).toHaveLength(2);
    await expect(pending).rejects.toBeInstanceOf(ConnectionClosedError);
    // The message itself is kept: a later connect() would still deliver it.
    expect(client.unconfirmed).toBe(1);
  });

  it("survives a hostile server: malformed frames are reported and ignored", async () => {
    const wss = new WebSocketServer({ port: 0, host: "127.0.0.1" });
    await new Promise((resolve) => wss.once("listening", resolve));
    cleanup.push(() => new Promise((resolve) => wss.close(resolve)));
    wss.on("connection", (socket) => {
      socket.on("message", () => {
        for (const frame of [
          '{"type":"message","seq":1,"text":"before welcome"}',
          "not json",
          "[1,2]",
          "null",
          '{"type":"welcome","v":1,"session":42,"resumed":false,"seq":0}',
          '{"type":"welcome","v":1,"session":"s1","resumed":false,"seq":0}',
          '{"type":"welcome","v":1,"session":"s2","resumed":false,"seq":0}',
          '{"type":"message","seq":-1,"text":"negative"}',
          '{"type":"message","seq":1e300,"text":"huge"}',
          '{"type":"message","seq":1,"text":{"not":"a string"}}',
          '{"type":"message","seq":1,"replyTo":"","text":"empty replyTo"}',
          '{"type":"error","code":7,"message":"bad"}',
          '{"type":"receipt"}',
          '{"type":"surprise"}',
          '{"type":"message","seq":1,"text":"ok","data":{"__proto__":{"polluted":true}},"extra":1}',
          '{"type":"message","seq":1,"text":"duplicate"}',
          '{"type":"error","code":"end","message":"sentinel"}',
        ]) {
          socket.send(frame);
        }
      });
    });
    const { port } = wss.address() as AddressInfo;
    const client = new BotClient(`ws://127.0.0.1:${port}`, { reconnect: false });
    cleanup.push(() => client.close());
    const messages: BotMessage[] = [];
    const errors: Error[] = [];
    client.on("message", (m) => messages.push(m));
    client.on("error", (e) => errors.push(e));
    await client.connect();
    await until(() => errors.some((e) => e instanceof ServerError), "all frames processed");
    expect(client.session).toBe("s1");
    expect(messages).toHaveLength(1);
    expect(messages[0]?.text).toBe("ok");
    expect(Object.keys(messages[0] ?? {}).sort()).toEqual(["data", "seq", "text"]);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
    expect(errors.slice(0, -1).every((e) => e instanceof ProtocolError)).toBe(true);
    expect(errors).toHaveLength(12);
  });

  it("times out an attempt that never gets a welcome, and retries it", async () => {
    const wss = new WebSocketServer({ port: 0, host: "127.0.0.1" });
    await new Promise((resolve) => wss.once("listening", resolve));
    cleanup.push(() => new Promise((resolve) => wss.close(resolve)));
    let connections = 0;
    wss.on("connection", () => connections++); // accepts, then stays silent
    const { port } = wss.address() as AddressInfo;
    const client = new BotClient(`ws://127.0.0.1:${port}`, {
      connectTimeoutMs: 30,
      reconnect: { initialDelayMs: 1, maxDelayMs: 2, maxRetries: 1 },
    });
    const error = await client.connect().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 4000, reason: "welcome timeout", fatal: false });
    expect(connections).toBe(2);
  });

  it("asks a token function again before every reconnection", async () => {
    const bot = new Bot();
    const seen: Array<string | undefined> = [];
    bot.use(
      withHandshake(
        (_ctx, next) => next(),
        (handshake) => {
          seen.push(handshake.token);
        },
      ),
    );
    const served = await serveBot(bot);
    cleanup.push(() => served.stop());
    let n = 0;
    const client = new BotClient(served.url, { ...fast, token: async () => `token-${++n}` });
    cleanup.push(() => client.close());
    await client.connect();
    await served.stop();
    await served.restart();
    await until(() => seen.length === 2 && client.state === "open", "reconnect");
    expect(seen[0]).toBe("token-1");
    expect(seen[1]).toMatch(/^token-\d+$/);
    expect(seen[1]).not.toBe("token-1");
  });
});
