import { describe, it } from "vitest";
import { MemoryLedger } from "../../src/storage/memory-ledger.js";
import { runLedgerSuite } from "../../src/testing/index.js";

runLedgerSuite({
  name: "ledger conformance: MemoryLedger",
  create: (limits) => new MemoryLedger(limits),
  describe,
  it,
});
