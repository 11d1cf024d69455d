import { describe, it } from "vitest";
import { runTransportSuite } from "../../../src/testing/index.js";
import { startHarness } from "./harness.js";

runTransportSuite({
  name: "transport conformance: botwire/socket.io",
  describe,
  it,
  fixture: {
    async start(bot, { helloTimeoutMs }) {
      const harness = await startHarness(bot, { attach: { helloTimeoutMs } });
      return {
        connect: () => harness.connect(),
        close: () => harness.stop(),
      };
    },
  },
});
