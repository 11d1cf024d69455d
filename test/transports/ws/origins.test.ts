import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { type ServeOptions, serve } from "../../../src/transports/ws/index.js";
import { cleanupAfterEach, echoBot } from "../../helpers/servers.js";
import { RawClient } from "../../helpers/ws-client.js";

const cleanups = cleanupAfterEach();

async function onPort(options: Omit<ServeOptions, "port" | "server" | "noServer"> = {}) {
  const handle = serve(echoBot(), { port: 0, host: "127.0.0.1", ...options });
  await handle.ready;
  cleanups.push(() => handle.close());
  const { port } = handle.address() as AddressInfo;
  return { port, url: `ws://127.0.0.1:${port}` };
}

function client(url: string, origin?: string): RawClient {
  const c = new RawClient(url, origin === undefined ? {} : { origin });
  cleanups.push(() => c.close());
  return c;
}

describe("origin checks by default (same origin)", () => {
  it("refuses a cross-origin browser request with 403", async () => {
    const { url } = await onPort();
    await expect(client(url, "https://evil.example").opened).rejects.toThrow("HTTP 403");
    await expect(client(url, "null").opened).rejects.toThrow("HTTP 403");
  });

  it("accepts a page of the same origin, and clients that send no Origin", async () => {
    const { port, url } = await onPort();
    await client(url, `http://127.0.0.1:${port}`).opened;
    await client(url, `HTTPS://127.0.0.1:${port}`).opened;
    await client(url).opened;
  });

  it('allows every origin only when asked: allowedOrigins "*" or a function', async () => {
    const star = await onPort({ allowedOrigins: "*" });
    await client(star.url, "https://evil.example").opened;
    const fn = await onPort({ allowedOrigins: (origin) => origin.endsWith(".example") });
    await client(fn.url, "https://evil.example").opened;
    await expect(client(fn.url, "https://evil.test").opened).rejects.toThrow("HTTP 403");
  });
});
