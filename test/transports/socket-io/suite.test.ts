import { describe, it } from "vitest";
import { runTransportSuite } from "../../../src/testing/index.js";
import { startHarness } from "./harness.js";

for (const transport of ["websocket", "polling"] as const) {
  runTransportSuite({
    name: `transport conformance: botwire/socket.io over ${transport}`,
    describe,
    it,
    skip: it.skip,
    fixture: {
      async start(bot, { helloTimeoutMs }) {
        const harness = await startHarness(bot, { attach: { helloTimeoutMs } });
        return {
          connect: () => harness.connect({ transports: [transport] }),
          close: () => harness.stop(),
        };
      },
      ...(transport === "polling" && {
        notApplicable: {
          "closes a client that stops reading with 1013":
            "a polling client has no socket of its own to stop reading (the WebSocket run covers it)",
          "contains a connection that breaks: the others go on":
            "a polling client has no socket of its own to break (the WebSocket run covers it)",
        },
      }),
    },
  });
}
