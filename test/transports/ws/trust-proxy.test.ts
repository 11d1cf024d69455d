import { describe, expect, it } from "vitest";
import { Bot } from "../../../src/index.js";
import { type ServeOptions, serve } from "../../../src/transports/ws/index.js";
import { cleanupAfterEach, rawClientOf, serveOnPort } from "../../helpers/servers.js";
import type { RawClient } from "../../helpers/ws-client.js";

const cleanups = cleanupAfterEach();

/** A bot that answers every message with the client address it sees. */
function addressBot(): Bot {
  const bot = new Bot({ logger: false });
  bot.on("message", (ctx) => ctx.reply(String(ctx.connection.remoteAddress)));
  return bot;
}

async function onPort(options: Omit<ServeOptions, "port" | "server" | "noServer"> = {}) {
  return serveOnPort(cleanups, addressBot(), options);
}

function client(url: string, headers: Record<string, string> = {}): RawClient {
  return rawClientOf(cleanups, url, headers);
}

/** The address the bot sees for a client sending these headers. */
async function seenAs(url: string, headers: Record<string, string>): Promise<string> {
  const c = client(url, headers);
  c.send("who am i");
  return String((await c.next("message")).text);
}

describe("trustProxy", () => {
  it("is off by default: X-Forwarded-For is ignored for addresses and limits", async () => {
    const { url } = await onPort({ maxConnectionsPerIp: 1 });
    expect(await seenAs(url, { "x-forwarded-for": "203.0.113.1" })).toBe("127.0.0.1");
    await expect(client(url, { "x-forwarded-for": "203.0.113.2" }).opened).rejects.toThrow(
      "HTTP 429",
    );
  });

  it("with a hop count, counts each forwarded client on its own and shows its address", async () => {
    const { url } = await onPort({ trustProxy: 1, maxConnectionsPerIp: 1 });
    expect(await seenAs(url, { "x-forwarded-for": "203.0.113.1" })).toBe("203.0.113.1");
    // A client-supplied entry on the left is not trusted: one hop means the last entry.
    expect(await seenAs(url, { "x-forwarded-for": "10.9.9.9, 203.0.113.2" })).toBe("203.0.113.2");
    await expect(client(url, { "x-forwarded-for": "203.0.113.1" }).opened).rejects.toThrow(
      "HTTP 429",
    );
  });

  it("with a list, trusts only those proxies: a spoofed header from another peer is ignored", async () => {
    const spoofed = { "x-forwarded-for": "203.0.113.9" };
    const untrusted = await onPort({ trustProxy: ["10.0.0.0/8"] });
    expect(await seenAs(untrusted.url, spoofed)).toBe("127.0.0.1");
    const trusted = await onPort({ trustProxy: ["127.0.0.1/32", "10.0.0.0/8"] });
    expect(await seenAs(trusted.url, { "x-forwarded-for": "203.0.113.9, 10.1.1.1" })).toBe(
      "203.0.113.9",
    );
  });

  it("reads the Forwarded header when proxyHeader is forwarded", async () => {
    const { url } = await onPort({ trustProxy: 1, proxyHeader: "forwarded" });
    const headers = {
      forwarded: 'for=198.51.100.1;proto=https, for="[2001:db8::17]:4711"',
      "x-forwarded-for": "192.0.2.200",
    };
    expect(await seenAs(url, headers)).toBe("2001:db8::17");
  });

  it("rejects trustProxy: true and bad entries with errors that name the option", () => {
    const bot = new Bot();
    expect(() => serve(bot, { noServer: true, trustProxy: true as never })).toThrow(
      /trustProxy: true would trust/,
    );
    expect(() => serve(bot, { noServer: true, trustProxy: ["10.0.0.300"] })).toThrow(
      /trustProxy: "10.0.0.300" is not/,
    );
    expect(() => serve(bot, { noServer: true, trustProxy: -1 })).toThrow(RangeError);
    expect(bot.running).toBe(false);
  });
});
