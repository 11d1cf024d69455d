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

it("a tab resuming on another node while a live stream finishes does not get a second (empty, interrupted) final", async () => {
  const store = new MemoryStore();
  const shared = { broker: new MemoryBroker(), ledger: new MemoryLedger(resolveLimits(undefined)) };
  // Node C's store is a little slower to read stream records (a network round trip).
  let streamReads = 0;
  const slowStore = new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === "get") {
        return async (key: string) => {
          if (key.startsWith("botwire:stream:")) {
            streamReads++;
            await new Promise((r) => setTimeout(r, 50));
          }
          return target.get(key);
        };
      }
      const v = Reflect.get(target, prop, receiver);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
  let open!: () => void;
  const gate = new Promise<void>((r) => {
    open = r;
  });
  const nodeA = new Bot({ ...shared, store, logger: false, streaming: { deltaIntervalMs: 1 } });
  const nodeC = new Bot({ ...shared, store: slowStore, logger: false });
  bots.push(nodeA, nodeC);
  nodeA.on("message", async (ctx) => {
    async function* source() {
      yield "live ";
      await gate;
      yield "answer";
    }
    await ctx.replyStream(source());
  });
  const a = createTestClient(nodeA);
  const sent = a.send("go");
  await until(() => a.deltas.length >= 1, "first delta");
  const session = String(a.session);
  // A second tab of the session opens on node C (a plain resume, no node died).
  const b = createTestClient(nodeC, { session, lastSeq: 0 });
  await until(() => streamReads > 0, "node C reads the open stream");
  open();
  await sent;
  await new Promise((r) => setTimeout(r, 200));
  const finals = streamMessages(a.messages).finals;
  expect(finals.map((f) => [f.end, f.text])).toEqual([["done", "live answer"]]);
  expect(streamMessages(b.messages).finals.map((f) => [f.end, f.text])).toEqual([
    ["done", "live answer"],
  ]);
});
