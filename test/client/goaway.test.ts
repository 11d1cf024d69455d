import { afterEach, describe, expect, it } from "vitest";
import { BotClient, type GoawayEvent } from "../../src/client/node.js";
import { resolveLimits } from "../../src/core/limits.js";
import { Bot, MemoryStore } from "../../src/index.js";
import { MemoryBroker, MemoryLedger } from "../../src/storage/index.js";
import { startBalancer } from "../helpers/balancer.js";
import { until } from "../helpers/until.js";
import { fast, type Served, serveBot } from "./helpers.js";

// A node drains (handle.close({ drainMs })) while clients send a steady stream of numbered
// messages through a round-robin balancer: each BotClient honours its goaway, moves to the
// other node and resumes there. Every message is answered once and handled once.

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

/** Two nodes of one cluster: shared ledger, store and broker (in memory, in this process). */
function cluster() {
  const shared = {
    broker: new MemoryBroker(),
    ledger: new MemoryLedger(resolveLimits(undefined)),
    store: new MemoryStore(),
  };
  const handled = new Map<string, number>();
  const node = () => {
    const bot = new Bot({ logger: false, ...shared });
    bot.on("message", async (ctx) => {
      const key = `${ctx.sessionId}/${ctx.text}`;
      handled.set(key, (handled.get(key) ?? 0) + 1);
      await new Promise((resolve) => setTimeout(resolve, 2));
      await ctx.reply(`re: ${ctx.text}`);
    });
    return bot;
  };
  return { node, handled };
}

describe("BotClient and a draining node", () => {
  it("moves after the goaway hint, resumes elsewhere, loses and repeats nothing", async () => {
    const { node, handled } = cluster();
    const a: Served = await serveBot(node());
    const b: Served = await serveBot(node());
    cleanups.push(
      () => b.stop(),
      () => a.stop(),
    );
    const balancer = await startBalancer([a.port, b.port]);
    cleanups.push(() => balancer.close());

    const CLIENTS = 12;
    const MESSAGES = 40;
    const clients = Array.from({ length: CLIENTS }, () => {
      const client = new BotClient(`ws://127.0.0.1:${balancer.port}`, fast);
      cleanups.push(() => client.close());
      return client;
    });
    const moved: GoawayEvent[] = [];
    for (const client of clients) client.on("goaway", (event) => moved.push(event));
    await Promise.all(clients.map((c) => c.connect()));
    const onA = a.handle.connections;
    expect(onA).toBeGreaterThan(0);

    const replies = clients.map(() => [] as string[]);
    const conversations = clients.map(async (client, i) => {
      for (let n = 0; n < MESSAGES; n++) {
        const reply = await client.request(`c${i} #${n}`, undefined, { timeoutMs: 30_000 });
        replies[i]?.push(String(reply.text));
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    });
    await until(() => replies.every((r) => r.length >= 5), "a few answers on every client");
    const drainMs = 1500;
    const drained = a.handle.close({ drainMs });
    await Promise.all(conversations);
    await drained;

    // Every client on the drained node was told to go, with a hint inside the window.
    expect(moved.length).toBe(onA);
    for (const { reconnectAfterMs } of moved) {
      expect(reconnectAfterMs).toBeLessThanOrEqual(drainMs * 0.8 * 1.1);
    }
    // Each message answered once, in order; each handled once across both nodes.
    replies.forEach((texts, i) => {
      expect(texts).toEqual(Array.from({ length: MESSAGES }, (_, n) => `re: c${i} #${n}`));
    });
    expect([...handled.values()].every((count) => count === 1)).toBe(true);
    expect(handled.size).toBe(CLIENTS * MESSAGES);
    expect(a.handle.connections).toBe(0);
    // A client whose conversation ended before its moment may still be reconnecting.
    await until(() => b.handle.connections === CLIENTS, "every client on the other node");
  });

  it("with reconnect: false only announces the goaway; the app decides", async () => {
    const bot = new Bot({ logger: false });
    const served = await serveBot(bot);
    const client = new BotClient(served.url, { reconnect: false });
    cleanups.push(() => client.close());
    const events: GoawayEvent[] = [];
    client.on("goaway", (event) => events.push(event));
    await client.connect();
    const stopped = served.handle.close({ drainMs: 60_000 });
    await until(() => events.length === 1, "the goaway event");
    expect(client.state).toBe("open");
    await client.close();
    await stopped;
  });
});
