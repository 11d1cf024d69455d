import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { Bot } from "../../src/index.js";
import type { InspectorSnapshot } from "../../src/inspect/index.js";
import { RedisBroker, RedisStore } from "../../src/redis/index.js";
import { skipWithoutRedis } from "../helpers/redis-available.js";
import { startNode, TOKEN } from "./nodes.js";

// The inspector over Redis: two nodes on their own servers, each with a RedisBroker; one
// node's HTTP endpoint reports both, with the connections each one holds.

const skip = await skipWithoutRedis("inspector across Redis nodes");
const prefix = `botwire-test:${randomUUID()}:`;
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

function redisBot(): Bot {
  const [pub, sub] = [new Redis(), new Redis()];
  cleanups.push(
    () => pub.disconnect(),
    () => sub.disconnect(),
  );
  const bot = new Bot({ logger: {}, broker: new RedisBroker(pub, sub, { prefix }) });
  bot.on("message", (ctx) => ctx.reply(`echo ${ctx.text}`));
  cleanups.push(() => bot.stop());
  return bot;
}

describe.skipIf(skip)("inspector across nodes on Redis", () => {
  it("one node's endpoint shows every node with its own connections and sessions", async () => {
    const a = await startNode(redisBot(), cleanups);
    const b = await startNode(redisBot(), cleanups);
    await a.chat("hello");
    await b.chat("hello");
    await b.chat("hello");
    const response = await fetch(`${b.http}/inspect/api/snapshot`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    const snapshot = (await response.json()) as InspectorSnapshot;
    expect(snapshot.nodes.map((n) => n.connections)).toEqual([2, 1]);
    expect(snapshot.nodes.map((n) => n.top.length)).toEqual([2, 1]);
    expect(new Set(snapshot.nodes.map((n) => n.node)).size).toBe(2);
    const fromA = await a.inspect.snapshot();
    expect(fromA.nodes.map((n) => n.node)).toEqual(snapshot.nodes.map((n) => n.node).reverse());
  });
});

describe.skipIf(skip)("census rooms on Redis", () => {
  it("counts a room's members with one SCARD, not a listing", async () => {
    const [pub, sub] = [new Redis(), new Redis()];
    cleanups.push(
      () => pub.disconnect(),
      () => sub.disconnect(),
    );
    const store = new RedisStore(pub, { prefix });
    const bot = new Bot({ logger: {}, store, broker: new RedisBroker(pub, sub, { prefix }) });
    cleanups.push(() => bot.stop());
    bot.command("join", async (ctx) => {
      await ctx.join("lobby");
      return ctx.reply("joined");
    });
    const node = await startNode(bot, cleanups);
    await node.chat("/join");
    await node.chat("/join");
    const commands: string[] = [];
    const send = pub.sendCommand.bind(pub);
    pub.sendCommand = ((...args: Parameters<Redis["sendCommand"]>) => {
      commands.push(`${args[0].name} ${String(args[0].args[0])}`);
      return send(...args);
    }) as Redis["sendCommand"];
    const census = await bot.census();
    expect(census.rooms).toEqual([{ room: "lobby", members: 2 }]);
    // The room's set is counted, never listed (a listing costs an EXISTS per member).
    // (roomsOf checks each of a session's rooms with one SISMEMBER.)
    const onRoom = commands.filter((c) => c.includes("room:{lobby}"));
    expect(onRoom.filter((c) => c.startsWith("scard "))).toHaveLength(1);
    expect(onRoom.filter((c) => c.startsWith("smembers "))).toEqual([]);
  });
});
