import { describe, it } from "vitest";
import { MemoryBroker } from "../../src/storage/broker.js";
import { runBrokerSuite } from "../../src/testing/index.js";

runBrokerSuite({
  name: "broker conformance: MemoryBroker",
  // One in-process broker shared by two "nodes", as bots in one process would share it.
  createNodes: () => {
    const broker = new MemoryBroker();
    return [broker, broker] as const;
  },
  describe,
  it,
});
