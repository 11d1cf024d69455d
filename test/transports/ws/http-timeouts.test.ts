import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { serve } from "../../../src/transports/ws/index.js";
import { RawHttp } from "../../helpers/raw-http.js";
import { cleanupAfterEach, echoBot } from "../../helpers/servers.js";

const cleanups = cleanupAfterEach();

describe("serve({ port }) sets tight HTTP timeouts on the server it creates", () => {
  it("drops a client that never finishes its upgrade headers (slowloris) well before Node's 60–90 s", {
    timeout: 45_000,
  }, async () => {
    const handle = serve(echoBot(), { port: 0, host: "127.0.0.1" });
    await handle.ready;
    cleanups.push(() => handle.close());
    const { port } = handle.address() as AddressInfo;
    const slow = new RawHttp(port, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n");
    cleanups.push(() => slow.destroy());
    // One more header line every second: the connection is never idle, only slow.
    const drip = setInterval(() => {
      if (!slow.closed) slow.socket.write(`X-Drip-${Date.now()}: 1\r\n`);
    }, 1000);
    cleanups.push(() => clearInterval(drip));
    // The default is 10 s (checked every second); Node's own would take 60–90 s.
    await slow.waitClosed(30_000);
    expect(slow.closed).toBe(true);
  });
});
