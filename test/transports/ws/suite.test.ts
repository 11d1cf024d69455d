import type { AddressInfo } from "node:net";
import { describe, it } from "vitest";
import type { WebSocket } from "ws";
import { runTransportSuite, type SuiteSocket } from "../../../src/testing/index.js";
import { serve } from "../../../src/transports/ws/index.js";
import { connectWs } from "../../helpers/ws-suite-socket.js";

runTransportSuite({
  name: "transport conformance: botwire/ws",
  describe,
  it,
  skip: it.skip,
  fixture: {
    async start(bot, { helloTimeoutMs }) {
      const handle = serve(bot, { port: 0, host: "127.0.0.1", helloTimeoutMs, heartbeatMs: 0 });
      await handle.ready;
      const { port } = handle.address() as AddressInfo;
      const sockets: WebSocket[] = [];
      return {
        async connect(): Promise<SuiteSocket> {
          const socket = await connectWs(`ws://127.0.0.1:${port}`);
          sockets.push(socket.ws);
          return socket;
        },
        async close() {
          for (const ws of sockets) ws.terminate();
          await handle.close();
        },
      };
    },
  },
});
