import { createServer } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { Bot } from "../../src/index.js";
import type { Inspector, InspectorSnapshot } from "../../src/inspect/index.js";
import { inspector } from "../../src/inspect/index.js";
import { MemoryBroker } from "../../src/storage/index.js";
import { createTestClient } from "../../src/testing/index.js";
import { listen } from "../helpers/servers.js";

// botwire/inspect: the read-only HTTP routes (page, token-protected snapshot), the recent
// errors it records, and the snapshot gathered from every node through the broker.

const TOKEN = "inspect-token-0123456789";
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

function setUp(bot = new Bot({ logger: {} }), options = {}): Inspector {
  const inspect = inspector(bot, { token: TOKEN, collectMs: 50, ...options });
  cleanups.push(
    () => bot.stop(),
    () => inspect.close(),
  );
  return inspect;
}

const get = (inspect: Inspector, path: string, headers: Record<string, string> = {}) =>
  inspect.fetch(new Request(`http://localhost${path}`, { headers }));
const bearer = { authorization: `Bearer ${TOKEN}` };

describe("inspector routes", () => {
  it("serves the page without the token, and the data only with it", async () => {
    const inspect = setUp();
    const page = await get(inspect, "/");
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    expect(page.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect(await page.text()).toContain('src="inspect.js"');
    expect((await get(inspect, "/inspect.js")).status).toBe(200);
    expect((await get(inspect, "/inspect.css")).status).toBe(200);

    const none = await get(inspect, "/api/snapshot");
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toMatch(/^Bearer/);
    const wrong = await get(inspect, "/api/snapshot", { authorization: `Bearer ${TOKEN}x` });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).not.toContain("node");

    const ok = await get(inspect, "/api/snapshot", bearer);
    expect(ok.status).toBe(200);
    expect(ok.headers.get("cache-control")).toBe("no-store");
    const snapshot = (await ok.json()) as InspectorSnapshot;
    expect(snapshot.nodes).toHaveLength(1);
  });

  it("is read-only and knows only its own paths", async () => {
    const inspect = setUp(undefined, { basePath: "/inspect" });
    const post = await inspect.fetch(
      new Request("http://localhost/inspect/api/snapshot", { method: "POST", headers: bearer }),
    );
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET, HEAD");
    expect((await get(inspect, "/elsewhere")).status).toBe(404);
    expect((await get(inspect, "/inspect/nope")).status).toBe(404);
    const bare = await get(inspect, "/inspect");
    expect(bare.status).toBe(308);
    expect(bare.headers.get("location")).toBe("/inspect/");
    expect((await get(inspect, "/inspect/api/snapshot", bearer)).status).toBe(200);
    const head = await inspect.fetch(new Request("http://localhost/inspect/", { method: "HEAD" }));
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
  });

  it("refuses a weak token and bad options", () => {
    const bot = new Bot({ logger: {} });
    expect(() => inspector(bot, { token: "short" })).toThrow(/16 characters/);
    expect(() => inspector(bot, { token: TOKEN, basePath: "inspect" })).toThrow(/basePath/);
    expect(() => inspector(bot, { token: TOKEN, basePath: "/inspect/" })).toThrow(/basePath/);
    expect(() => inspector(bot, { token: TOKEN, collectMs: 0 })).toThrow(/collectMs/);
    // @ts-expect-error: options are required
    expect(() => inspector(bot)).toThrow(/token/);
  });

  it("serves Node's http server, redirecting a mount path without its slash", async () => {
    const inspect = setUp();
    const server = createServer((req, res) => {
      // What Express does under app.use("/ops", …): strip the mount, keep originalUrl.
      const originalUrl = req.url ?? "/";
      req.url = originalUrl.slice("/ops".length) || "/";
      inspect.node(Object.assign(req, { originalUrl }), res);
    });
    const { http, close } = await listen(server);
    cleanups.push(close);
    const bare = await fetch(`${http}/ops`, { redirect: "manual" });
    expect(bare.status).toBe(308);
    expect(bare.headers.get("location")).toBe("/ops/");
    expect((await fetch(`${http}/ops/`)).status).toBe(200);
    expect((await fetch(`${http}/ops/api/snapshot`)).status).toBe(401);
    const ok = await fetch(`${http}/ops/api/snapshot`, { headers: bearer });
    expect(((await ok.json()) as InspectorSnapshot).nodes[0]?.running).toBe(false);
  });
});

describe("recent errors", () => {
  it("records handler errors with their route and violations, never the client's text", async () => {
    const bot = new Bot({ logger: {} });
    bot.command("boom", () => {
      throw new RangeError("the ledger said no");
    });
    bot.on("message", (ctx) => ctx.reply("ok"));
    const inspect = setUp(bot);
    const client = createTestClient(bot);
    await client.send("/boom secret-words");
    await client.send("private hello");
    client.raw('{"type":"message","text":"private but broken"');
    await expect.poll(async () => (await inspect.snapshot()).nodes[0]?.errors.length).toBe(2);
    const { nodes } = await inspect.snapshot();
    const errors = nodes[0]?.errors ?? [];
    expect(errors[0]).toMatchObject({ kind: "violation", code: "bad_request", route: undefined });
    expect(errors[1]).toMatchObject({
      kind: "handler",
      code: "RangeError",
      message: "the ledger said no",
      route: "command:boom",
      session: client.session?.slice(0, 8),
    });
    expect(JSON.stringify(nodes)).not.toMatch(/secret-words|private/);
  });

  it("keeps the newest maxErrors and stops recording when closed", async () => {
    const bot = new Bot({ logger: {} });
    bot.on("message", (ctx) => {
      throw new Error(`failure ${ctx.text}`);
    });
    const inspect = setUp(bot, { maxErrors: 2 });
    const client = createTestClient(bot);
    for (const n of [1, 2, 3]) await client.send(String(n));
    const first = await inspect.snapshot();
    expect(first.nodes[0]?.errors.map((e) => e.message)).toEqual(["failure 3", "failure 2"]);
    await inspect.close();
    await client.send("4");
    const after = await inspect.snapshot();
    expect(after.nodes[0]?.errors.map((e) => e.message)).toEqual(["failure 3", "failure 2"]);
  });
});

describe("across nodes", () => {
  it("gathers every node with an inspector through the broker, this one first", async () => {
    const broker = new MemoryBroker();
    const bots = [1, 2, 3].map(() => new Bot({ logger: {}, broker }));
    const [a, b] = [setUp(bots[0], {}), setUp(bots[1], {})];
    cleanups.push(() => bots[2]?.stop());
    await Promise.all([a.ready, b.ready]);
    for (const bot of bots) bot.on("message", (ctx) => ctx.reply("ok"));
    await createTestClient(bots[1] as Bot).send("hi");
    await createTestClient(bots[1] as Bot).send("hi");
    await createTestClient(bots[2] as Bot).send("hi");
    const fromA = await a.snapshot();
    const own = await bots[0]?.census();
    const second = await bots[1]?.census();
    // The third bot has no inspector: it does not answer.
    expect(fromA.nodes.map((n) => n.node)).toEqual([own?.node, second?.node]);
    expect(fromA.nodes.map((n) => n.connections)).toEqual([0, 2]);
    const fromB = await b.snapshot();
    expect(fromB.nodes.map((n) => n.node)).toEqual([second?.node, own?.node]);
  });

  it("leaves out an answer without the fields the page needs (another version's)", async () => {
    const broker = new MemoryBroker();
    const inspect = setUp(new Bot({ logger: {}, broker }));
    await inspect.ready;
    // A node of another version: answers, but its report has no rooms.
    broker.subscribe("inspect", (payload) => {
      const { id } = JSON.parse(payload) as { id: string };
      const partial = { node: "old", at: 1, connections: 1, top: [], errors: [] };
      broker.publish(`inspect:${id}`, JSON.stringify(partial));
    });
    const snapshot = await inspect.snapshot();
    expect(snapshot.nodes.map((n) => n.node)).not.toContain("old");
    expect(snapshot.nodes).toHaveLength(1);
  });

  it("survives a broker that cannot subscribe: a warning, no crash, this node still shown", async () => {
    const warnings: string[] = [];
    const failing = {
      publish: () => undefined,
      subscribe: () => Promise.reject(new Error("broker down")),
      unsubscribe: () => undefined,
    };
    const bot = new Bot({
      logger: { warn: (m: string) => void warnings.push(m) },
      broker: failing,
    });
    const inspect = inspector(bot, { token: TOKEN, collectMs: 10 });
    cleanups.push(() => bot.stop());
    await expect(inspect.ready).rejects.toThrow("broker down");
    expect(warnings).toContain("inspector: cannot subscribe to other nodes' requests");
    const snapshot = await inspect.snapshot();
    expect(snapshot.nodes).toHaveLength(1);
    expect(warnings).toContain("inspector: cannot ask the other nodes");
    await inspect.close();
  });

  it("ignores malformed answers and requests on the broker", async () => {
    const broker = new MemoryBroker();
    const inspect = setUp(new Bot({ logger: {}, broker }));
    await inspect.ready;
    const spy: string[] = [];
    broker.subscribe("inspect:x", (payload) => void spy.push(payload));
    broker.publish("inspect", "not json");
    broker.publish("inspect", JSON.stringify({ id: "../../x y" }));
    broker.publish("inspect", JSON.stringify({ id: "x" }));
    const snapshot = await inspect.snapshot();
    expect(snapshot.nodes).toHaveLength(1);
    // Only the well-formed request got an answer.
    expect(spy).toHaveLength(1);
    expect(JSON.parse(spy[0] ?? "{}")).toHaveProperty("node");
  });
});
