import { describe, expect, it } from "vitest";

// The browser build of botwire/client (examples/demo/build-client.js, also what the demo
// page loads). A URL import: the build script is plain JavaScript without declarations.
const BUILD = new URL("../../examples/demo/build-client.js", import.meta.url).href;
const BUDGET = 8 * 1024;

describe("browser bundle of botwire/client", () => {
  it(`stays within ${BUDGET} bytes min+gzip, without ws or Node built-ins`, async () => {
    const { buildBrowserClient } = (await import(BUILD)) as {
      buildBrowserClient(): Promise<{ code: string; bytes: number; gzipBytes: number }>;
    };
    const { code, gzipBytes } = await buildBrowserClient();
    console.info(`botwire/client browser bundle: ${gzipBytes} B min+gzip (budget ${BUDGET})`);
    expect(gzipBytes).toBeLessThanOrEqual(BUDGET);
    // Markers of the ws package and of Node modules must not be in a browser bundle.
    for (const marker of ["permessage-deflate", "Sec-WebSocket-Key", "node:", "require("]) {
      expect(code).not.toContain(marker);
    }
    // It is a loadable ES module exporting the client and its errors.
    const mod = (await import(`data:text/javascript,${encodeURIComponent(code)}`)) as Record<
      string,
      unknown
    >;
    for (const name of ["BotClient", "RequestTimeoutError", "ServerError", "QueueFullError"]) {
      expect(typeof mod[name]).toBe("function");
    }
  });
});
