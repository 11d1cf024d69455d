import { describe, it } from "vitest";
import { runTransportSuite } from "../../../src/testing/index.js";
import { serveOnHono } from "./hono-server.js";

// botwire/web behind Hono's upgradeWebSocket helper on Node (@hono/node-server +
// @hono/node-ws), clients from `ws` (real pause and break).
runTransportSuite({
  name: "transport conformance: botwire/web on Hono (Node, @hono/node-ws)",
  describe,
  it,
  fixture: {
    async start(bot, { helloTimeoutMs }) {
      const served = await serveOnHono(bot, { helloTimeoutMs, heartbeatMs: 0 });
      return { connect: () => served.connect(), close: () => served.close() };
    },
  },
});
