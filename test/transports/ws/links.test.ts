import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { Bot } from "../../../src/index.js";
import { resolveServeOptions } from "../../../src/transports/ws/options.js";
import type { WsLink } from "../../../src/transports/ws/socket.js";
import { WsTransport } from "../../../src/transports/ws/transport.js";
import { cleanupAfterEach } from "../../helpers/servers.js";
import { until } from "../../helpers/until.js";
import { RawClient } from "../../helpers/ws-client.js";

// Each open socket costs one link object and no closure of its own: its listeners are
// module functions shared by every socket (docs/benchmarks.md, memory per connection).
// These pin that, and that the link still does the work the closures did.

const cleanups = cleanupAfterEach();

async function start() {
  const bot = new Bot({ logger: false });
  bot.on("message", (ctx) => ctx.reply(`echo ${ctx.text}`));
  const disconnects: number[] = [];
  bot.events.on("disconnect", (event) => void disconnects.push(event.code));
  // No heartbeat: only the test's own ping may get a pong.
  const options = resolveServeOptions({ port: 0, host: "127.0.0.1", heartbeatMs: 0 });
  const transport = new WsTransport(options, bot.logger);
  await bot.start(transport);
  cleanups.push(() => bot.stop(transport));
  const address = transport.server?.address() as AddressInfo | undefined;
  if (address === undefined) throw new Error("not listening");
  const { port } = address;
  // @ts-expect-error reaching into the transport's open links
  const links = (): WsLink[] => [...transport.sockets];
  return { transport, links, disconnects, url: `ws://127.0.0.1:${port}` };
}

async function welcomed(url: string): Promise<RawClient> {
  const client = new RawClient(url);
  cleanups.push(() => client.close());
  await client.opened;
  client.send({ type: "hello" });
  await client.next("welcome");
  return client;
}

describe("ws links", () => {
  it("share their sockets' listeners: no function is made per connection", async () => {
    const { links, url } = await start();
    await welcomed(url);
    await welcomed(url);
    expect(links()).toHaveLength(2);
    const [a, b] = links();
    for (const event of ["message", "close", "pong"]) {
      const ofA = a?.socket.listeners(event) ?? [];
      const ofB = b?.socket.listeners(event) ?? [];
      expect(ofA.length).toBeGreaterThan(0);
      expect(ofA.length).toBe(ofB.length);
      for (let i = 0; i < ofA.length; i++) expect(ofA[i]).toBe(ofB[i]);
    }
  });

  it("feeds frames to the bot, marks the link alive on a frame or pong, and forgets it on close", async () => {
    const { transport, links, disconnects, url } = await start();
    const client = await welcomed(url);
    const [link] = links();
    if (link === undefined) throw new Error("no link");
    link.alive = false;
    client.send({ type: "message", id: "1", text: "hi" });
    expect((await client.next("message")).text).toBe("echo hi");
    expect(link.alive).toBe(true);
    link.alive = false;
    link.ping();
    await until(() => link.alive, "pong");
    client.close();
    await until(() => transport.connections === 0, "link forgotten");
    await until(() => disconnects.length === 1, "the bot told of the close");
  });
});

describe("a bot that cannot take a connection", () => {
  it("closes it with 1011, logs, and gives its address's count back", async () => {
    const errors: string[] = [];
    const logger = { error: (message: string) => void errors.push(message) };
    const options = resolveServeOptions({ port: 0, host: "127.0.0.1", maxConnectionsPerIp: 1 });
    const transport = new WsTransport(options, logger);
    let fail = true;
    await transport.listen({
      open() {
        if (fail) throw new Error("host broken");
        return { message() {}, binary() {}, close() {} };
      },
    });
    cleanups.push(() => transport.close(1001, "done"));
    const address = transport.server?.address() as AddressInfo | undefined;
    if (address === undefined) throw new Error("not listening");
    const url = `ws://127.0.0.1:${address.port}`;
    const first = new RawClient(url);
    cleanups.push(() => first.close());
    expect((await first.waitClose()).code).toBe(1011);
    expect(errors).toEqual(["the bot could not take a connection; it was closed with 1011"]);
    expect(transport.connections).toBe(0);
    // The one connection this address may hold was given back: the next one is taken.
    fail = false;
    const second = new RawClient(url);
    cleanups.push(() => second.close());
    await second.opened;
    await until(() => transport.connections === 1, "second connection taken");
  });
});
