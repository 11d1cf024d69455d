import { describe, expect, it } from "vitest";
import { auth, Bot, staticTokens } from "../../../src/index.js";
import type { ServeOptions } from "../../../src/transports/ws/index.js";
import { cleanupAfterEach, echoBot, rawClientOf, serveOnPort } from "../../helpers/servers.js";
import type { RawClient } from "../../helpers/ws-client.js";

const cleanups = cleanupAfterEach();

const TOKEN = "token-of-alice-0123";

async function onPort(bot: Bot, options: Omit<ServeOptions, "port" | "server" | "noServer"> = {}) {
  return serveOnPort(cleanups, bot, options);
}

function client(url: string, headers: Record<string, string> = {}): RawClient {
  return rawClientOf(cleanups, url, headers);
}

/** Opens a connection, checks it works, and closes it. */
async function visit(url: string, headers: Record<string, string> = {}) {
  const c = client(url, headers);
  c.send("hi");
  await c.next("message");
  c.close();
  await c.waitClose();
}

function authBot(): Bot {
  const bot = new Bot({ logger: false });
  bot.use(auth({ verify: staticTokens({ [TOKEN]: { id: "alice" } }) }));
  bot.on("message", (ctx) => ctx.reply("ok"));
  return bot;
}

/** Connects with `token` and waits for the 4401 close of a refused token. */
async function failAuth(url: string, headers: Record<string, string> = {}) {
  const c = client(url, headers);
  c.send({ type: "hello", token: "not-the-token-0000" });
  expect((await c.waitClose()).code).toBe(4401);
}

describe("connection rate per address", () => {
  it("refuses an address that opens connections too fast with 429 and Retry-After", async () => {
    const { url } = await onPort(echoBot(), {
      connectionRatePerIp: { limit: 3, windowMs: 60_000 },
    });
    for (let i = 0; i < 3; i++) await visit(url);
    const refused = client(url);
    const response = await new Promise<{
      status: number | undefined;
      retryAfter: string | undefined;
    }>((resolve) =>
      refused.socket.once("unexpected-response", (_req, res) =>
        resolve({
          status: res.statusCode,
          retryAfter: res.headers["retry-after"] as string | undefined,
        }),
      ),
    );
    expect(response.status).toBe(429);
    expect(Number(response.retryAfter)).toBeGreaterThanOrEqual(1);
  });

  it("is on by default: the 61st connection within a minute from one address is refused", async () => {
    const { url } = await onPort(echoBot());
    for (let i = 0; i < 60; i++) {
      const c = client(url);
      await c.opened;
      c.close();
      await c.waitClose();
    }
    await expect(client(url).opened).rejects.toThrow("HTTP 429");
  });

  it("groups IPv6 addresses by /64 (clients behind a trusted proxy)", async () => {
    const { url } = await onPort(echoBot(), {
      trustProxy: ["loopback"],
      connectionRatePerIp: { limit: 2, windowMs: 60_000 },
    });
    const from = (address: string) => ({ "x-forwarded-for": address });
    await visit(url, from("2001:db8:1:2::1"));
    await visit(url, from("2001:db8:1:2:ffff:ffff:ffff:ffff"));
    await expect(client(url, from("2001:db8:1:2::77")).opened).rejects.toThrow("HTTP 429");
    await visit(url, from("2001:db8:1:3::1"));
    await visit(url, from("192.0.2.1"));
  });
});

describe("failed authentication per address", () => {
  it("refuses an address after repeated auth failures, even with a good token", async () => {
    const { url } = await onPort(authBot(), {
      authFailuresPerIp: { limit: 3, windowMs: 60_000 },
    });
    for (let i = 0; i < 3; i++) await failAuth(url);
    const blocked = client(url);
    blocked.send({ type: "hello", token: TOKEN });
    await expect(blocked.opened).rejects.toThrow("HTTP 429");
  });

  it("is on by default (10 failures) and counts per client address behind a trusted proxy", async () => {
    const { url } = await onPort(authBot(), { trustProxy: 1 });
    const attacker = { "x-forwarded-for": "198.51.100.66" };
    for (let i = 0; i < 10; i++) await failAuth(url, attacker);
    await expect(client(url, attacker).opened).rejects.toThrow("HTTP 429");
    const honest = client(url, { "x-forwarded-for": "198.51.100.7" });
    honest.send({ type: "hello", token: TOKEN });
    honest.send("hi");
    expect((await honest.next("message")).text).toBe("ok");
  });
});
