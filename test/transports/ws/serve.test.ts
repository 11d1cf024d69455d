import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import type { WebSocket } from "ws";
import { Bot } from "../../../src/index.js";
import { type ServeHandle, serve } from "../../../src/transports/ws/index.js";
import { cleanupAfterEach, echoBot, listen } from "../../helpers/servers.js";
import { until } from "../../helpers/until.js";
import { RawClient } from "../../helpers/ws-client.js";

const cleanups = cleanupAfterEach();

async function onPort(
  bot: Bot,
  options: Parameters<typeof serve>[1] = { port: 0, host: "127.0.0.1" },
) {
  const handle = serve(bot, options);
  await handle.ready;
  cleanups.push(() => handle.close());
  const { port } = handle.address() as AddressInfo;
  return { handle, url: `ws://127.0.0.1:${port}` };
}

function client(url: string, options?: ConstructorParameters<typeof WebSocket>[2]): RawClient {
  const c = new RawClient(url, options);
  cleanups.push(() => c.close());
  return c;
}

describe("serve() attached to an existing http server", () => {
  it("serves WebSocket on its path while plain HTTP and other paths are untouched", async () => {
    const server = createServer((req, res) => res.end(`page ${req.url}`));
    const http = await listen(server);
    cleanups.push(http.close);
    const bot = echoBot();
    const handle = serve(bot, { server, path: "/chat" });
    cleanups.push(() => handle.close());
    await handle.ready;

    expect(await (await fetch(`${http.http}/index.html`)).text()).toBe("page /index.html");
    const c = client(`${http.ws}/chat?x=1`);
    c.send("hello");
    const reply = await c.next("message");
    expect(reply).toMatchObject({ type: "message", seq: 1, text: "echo: hello" });
    expect(c.frames[0]).toMatchObject({ type: "welcome", v: 1, resumed: false, seq: 0 });
    expect(handle.connections).toBe(1);
  });

  it("hosts several bots on one server by path", async () => {
    const http = await listen();
    cleanups.push(http.close);
    const a = new Bot();
    a.on("message", (ctx) => ctx.reply("from a"));
    const b = new Bot();
    b.on("message", (ctx) => ctx.reply("from b"));
    const ha = serve(a, { server: http.server, path: "/a" });
    const hb = serve(b, { server: http.server, path: "/b" });
    cleanups.push(
      () => ha.close(),
      () => hb.close(),
    );
    const ca = client(`${http.ws}/a`);
    const cb = client(`${http.ws}/b`);
    ca.send("x");
    cb.send("x");
    expect((await ca.next("message")).text).toBe("from a");
    expect((await cb.next("message")).text).toBe("from b");
  });

  it("with noServer, accepts upgrades only through handleUpgrade", async () => {
    const http = await listen();
    cleanups.push(http.close);
    const handle = serve(echoBot(), { noServer: true });
    cleanups.push(() => handle.close());
    http.server.on("upgrade", (req, socket, head) => {
      if (req.url === "/ws") handle.handleUpgrade(req, socket, head);
      else socket.destroy();
    });
    const c = client(`${http.ws}/ws`);
    c.send("hi");
    expect((await c.next("message")).text).toBe("echo: hi");
  });

  it("rejects bad option combinations with errors that name the option", () => {
    const bot = new Bot();
    expect(() => serve(bot, {})).toThrow(/exactly one of `server`, `port` or `noServer/);
    expect(() => serve(bot, { port: 0, noServer: true })).toThrow(TypeError);
    expect(() => serve(bot, { port: 70000 })).toThrow(RangeError);
    expect(() => serve(bot, { noServer: true, path: "chat" })).toThrow(/path must start with/);
    expect(() => serve(bot, { noServer: true, maxPayload: -1 })).toThrow(/maxPayload/);
    expect(bot.running).toBe(false);
  });
});

describe("serve() on a port", () => {
  it("listens on host/port 0 and can be stopped and started again", async () => {
    const bot = echoBot();
    const first = await onPort(bot);
    const c = client(first.url);
    c.send("one");
    await c.next("message");
    await first.handle.close();
    expect(bot.running).toBe(false);
    const second = await onPort(bot);
    const c2 = client(second.url);
    c2.send("two");
    expect((await c2.next("message")).text).toBe("echo: two");
  });

  it("answers plain HTTP on its own server with 426", async () => {
    const { handle } = await onPort(echoBot());
    const { port } = handle.address() as AddressInfo;
    const res = await fetch(`http://127.0.0.1:${port}/`);
    expect(res.status).toBe(426);
  });
});

describe("limits at the upgrade", () => {
  it("refuses a disallowed Origin with 403 and allows an allowed or missing one", async () => {
    const { url } = await onPort(echoBot(), {
      port: 0,
      host: "127.0.0.1",
      allowedOrigins: ["https://good.example"],
    });
    const evil = new RawClient(url, { origin: "https://evil.example" });
    await expect(evil.opened).rejects.toThrow("HTTP 403");
    const good = client(url, { origin: "https://GOOD.example" });
    await good.opened;
    const noOrigin = client(url);
    await noOrigin.opened;
  });

  it("refuses connections beyond maxConnections with 503", async () => {
    const { url } = await onPort(echoBot(), { port: 0, host: "127.0.0.1", maxConnections: 1 });
    const first = client(url);
    await first.opened;
    const second = new RawClient(url);
    await expect(second.opened).rejects.toThrow("HTTP 503");
  });

  it("applies the upgrade hook", async () => {
    const { url } = await onPort(echoBot(), {
      port: 0,
      host: "127.0.0.1",
      upgrade: (req) => (req.headers.cookie === "sid=ok" ? true : { status: 401 }),
    });
    await expect(new RawClient(url).opened).rejects.toThrow("HTTP 401");
    await client(url, { headers: { cookie: "sid=ok" } }).opened;
  });
});

describe("connection limits", () => {
  it("closes a frame over maxPayload with 1009", async () => {
    const { url } = await onPort(echoBot(), { port: 0, host: "127.0.0.1", maxPayload: 1024 });
    const c = client(url);
    await c.opened;
    c.send("x".repeat(2000));
    expect((await c.waitClose()).code).toBe(1009);
  });

  it("closes a connection that never says hello with 4408", async () => {
    const { url } = await onPort(echoBot(), { port: 0, host: "127.0.0.1", helloTimeoutMs: 100 });
    const c = client(url);
    await c.opened;
    expect((await c.waitClose()).code).toBe(4408);
  });

  it("closes a peer that stops answering pings", async () => {
    const { handle, url } = await onPort(echoBot(), {
      port: 0,
      host: "127.0.0.1",
      heartbeatMs: 50,
    });
    // autoPong: false makes this client ignore pings, like a dead peer.
    const dead = client(url, { autoPong: false });
    const alive = client(url);
    await Promise.all([dead.opened, alive.opened]);
    alive.send("hi");
    const closed = await dead.waitClose();
    expect(closed.code).toBe(1006);
    await alive.next("message");
    expect(alive.closed).toBeUndefined();
    await until(() => handle.connections === 1, "one connection left", 3000);
  });

  it("answers binary frames with bad_request and keeps the connection", async () => {
    const { url } = await onPort(echoBot());
    const c = client(url);
    await c.opened;
    c.socket.send(Buffer.from([1, 2, 3]));
    expect((await c.next("error")).code).toBe("bad_request");
    c.send("still here");
    expect((await c.next("message")).text).toBe("echo: still here");
  });
});

describe("graceful stop", () => {
  it("closes connections with 1001 after in-flight handlers finish", async () => {
    const bot = new Bot();
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const finished: string[] = [];
    bot.on("message", async (ctx) => {
      await gate;
      finished.push(ctx.text ?? "");
    });
    const handle: ServeHandle = serve(bot, { port: 0, host: "127.0.0.1" });
    await handle.ready;
    const { port } = handle.address() as AddressInfo;
    const c = client(`ws://127.0.0.1:${port}`);
    c.send({ type: "message", id: "slow", text: "slow" });
    await c.next("welcome");
    const stopping = handle.close();
    expect((await c.waitClose()).code).toBe(1001);
    let stopped = false;
    void stopping.then(() => {
      stopped = true;
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(finished).toEqual(["slow"]);
    expect(bot.running).toBe(false);
    // stop() is idempotent
    await bot.stop();
  });
});
