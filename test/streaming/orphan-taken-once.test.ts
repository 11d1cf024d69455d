import { afterEach, expect, it } from "vitest";
import { resolveLimits } from "../../src/core/limits.js";
import { Bot, MemoryStore } from "../../src/index.js";
import { MemoryBroker, MemoryLedger } from "../../src/storage/index.js";
import { createTestClient } from "../../src/testing/index.js";
import { until } from "../helpers/until.js";
import { streamMessages } from "./helpers.js";

const bots: Bot[] = [];
afterEach(async () => {
  await Promise.all(bots.splice(0).map((b) => b.stop()));
});

it("a dead node's stream gets exactly one final when two tabs resume at the same time", async () => {
  const shared = {
    broker: new MemoryBroker(),
    ledger: new MemoryLedger(resolveLimits(undefined)),
    store: new MemoryStore(),
  };
  const nodeB = new Bot({ ...shared, logger: false, streaming: { heartbeatMs: 20 } });
  const nodeC = new Bot({ ...shared, logger: false, streaming: { heartbeatMs: 20 } });
  bots.push(nodeB, nodeC);
  for (const n of [nodeB, nodeC]) n.on("message", (ctx) => ctx.reply("ok"));
  const first = createTestClient(nodeB);
  await first.send("hi");
  const session = String(first.session);
  const lastSeq = Math.max(...first.messages.map((m) => m.seq ?? 0));
  // Node A died mid-stream: its stream record is stale.
  await shared.store.set(`botwire:streams:${session}`, { dead: "m9" });
  await shared.store.set(`botwire:stream:${session}:dead`, {
    r: "m9",
    t: "old",
    b: Date.now() - 1000,
  });
  await first.close();
  // Two tabs resume at once, on two nodes.
  const tab1 = createTestClient(nodeB, { session, lastSeq });
  const tab2 = createTestClient(nodeC, { session, lastSeq });
  await until(() => streamMessages(tab1.messages).finals.length >= 1, "a final");
  await new Promise((r) => setTimeout(r, 200));
  const finals = streamMessages(tab1.messages).finals.filter((f) => f.stream === "dead");
  expect(finals).toHaveLength(1);
  expect(streamMessages(tab2.messages).finals.filter((f) => f.stream === "dead")).toHaveLength(1);
});
