import { describe, expect, it } from "vitest";
import { Bot } from "../../../src/bot/bot.js";
import { pathOf } from "../../../src/transports/bun/http.js";
import { bunTransport, serve } from "../../../src/transports/bun/index.js";
import { resolveBunOptions } from "../../../src/transports/bun/options.js";

// The runtime-neutral parts of botwire/bun, in Node: options, the request checks before an
// upgrade and the responses that refuse one. The sockets themselves are tested in Bun
// (suite.test.ts, server.test.ts).

const upgradeRequest = (url: string, headers: Record<string, string> = {}) =>
  new Request(url, { headers: { upgrade: "websocket", host: "127.0.0.1", ...headers } });

/** A Bun server stand-in that refuses every upgrade (no socket is ever opened here). */
const server = { upgrade: () => false, requestIP: () => ({ address: "127.0.0.1" }) };

describe("botwire/bun options", () => {
  it("maps heartbeatMs onto Bun's idleTimeout in whole seconds (0: off), at most 960", () => {
    expect(resolveBunOptions({}, "t").idleTimeout).toBe(30);
    expect(resolveBunOptions({ heartbeatMs: 0 }, "t").idleTimeout).toBe(0);
    expect(resolveBunOptions({ heartbeatMs: 1 }, "t").idleTimeout).toBe(1);
    expect(resolveBunOptions({ heartbeatMs: 1500 }, "t").idleTimeout).toBe(2);
    expect(resolveBunOptions({ heartbeatMs: 3_600_000 }, "t").idleTimeout).toBe(960);
  });

  it("hands maxPayload, heartbeat and compression to Bun's websocket options", () => {
    const { websocket } = bunTransport(new Bot(), { maxPayload: 1234, perMessageDeflate: true });
    expect(websocket).toMatchObject({
      maxPayloadLength: 1234,
      idleTimeout: 30,
      sendPings: true,
      perMessageDeflate: true,
    });
    const off = bunTransport(new Bot(), { heartbeatMs: 0 }).websocket;
    expect([off.idleTimeout, off.sendPings, off.perMessageDeflate]).toEqual([0, false, false]);
  });

  it("rejects bad options with errors that name them", () => {
    expect(() => bunTransport(new Bot(), { path: "chat" })).toThrow('path must start with "/"');
    expect(() => bunTransport(new Bot(), { maxPayload: -1 })).toThrow("maxPayload");
    expect(() => serve(new Bot(), { port: 70_000 })).toThrow("port must be an integer");
    // In Node there is no Bun.serve.
    expect(() => serve(new Bot(), { port: 0 })).toThrow("runs in Bun only");
  });

  it("reads the path of a request URL without query or fragment", () => {
    expect(pathOf("http://h:1/chat?x=1")).toBe("/chat");
    expect(pathOf("http://h/a/b#c")).toBe("/a/b");
    expect(pathOf("http://h")).toBe("/");
    expect(pathOf("http://h/?q")).toBe("/");
  });
});

describe("botwire/bun upgrade()", () => {
  it("leaves requests that are not the bot's to the app: undefined", async () => {
    const wire = bunTransport(new Bot(), { path: "/chat" });
    await wire.ready;
    expect(wire.upgrade(new Request("http://127.0.0.1/chat"), server)).toBeUndefined();
    expect(wire.upgrade(upgradeRequest("http://127.0.0.1/other"), server)).toBeUndefined();
    expect(wire.upgrade(upgradeRequest("http://127.0.0.1/chat?x"), server)).toBeInstanceOf(Promise);
    await wire.close();
  });

  it("refuses with a plain-text Response: 403 origin, 429 with Retry-After, 400, 503", async () => {
    const wire = bunTransport(new Bot(), { connectionRatePerIp: { limit: 1, windowMs: 60_000 } });
    await wire.ready;
    const evil = await wire.upgrade(
      upgradeRequest("http://127.0.0.1/", { origin: "https://evil.example" }),
      server,
    );
    expect(evil?.status).toBe(403);
    expect(evil?.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(await evil?.text()).toBe("origin not allowed\n");
    // The stand-in cannot upgrade: Bun's "not a WebSocket request" answer, 400.
    expect((await wire.upgrade(upgradeRequest("http://127.0.0.1/"), server))?.status).toBe(400);
    const rate = await wire.upgrade(upgradeRequest("http://127.0.0.1/"), server);
    expect(rate?.status).toBe(429);
    expect(Number(rate?.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    await wire.close();
    const stopped = await wire.upgrade(upgradeRequest("http://127.0.0.1/"), server);
    expect(stopped?.status).toBe(503);
  });
});
