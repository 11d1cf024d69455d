import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { build } from "esbuild";
import { afterAll, beforeAll, expect, it } from "vitest";
import { browserSuite, launchChromium } from "../helpers/chromium.js";
import { fixture, nodeVectors } from "./helpers.js";

// botwire/word-vectors, built, in Debian's chromium: fixtures/vectors.js (which imports dist/)
// is bundled for the browser with esbuild, as an app's bundler would, and what the page
// computes must be what Node computes.
const PAGE = `<!doctype html><script type="module" src="/vectors.js"></script>`;
const ENTRY = `import { vectorsRun } from ${JSON.stringify(fixture("vectors.js"))};
window.result = vectorsRun().catch((error) => ({ error: String(error?.stack ?? error) }));`;

let server: Server | undefined;
let origin: string;
beforeAll(async () => {
  const bundle = await build({
    stdin: { contents: ENTRY, resolveDir: fixture("."), loader: "js" },
    bundle: true,
    format: "esm",
    platform: "browser",
    write: false,
    logLevel: "silent",
  });
  const script = bundle.outputFiles[0]?.contents ?? new Uint8Array();
  const http = createServer((req, res) => {
    if (req.url === "/") res.writeHead(200, { "content-type": "text/html" }).end(PAGE);
    else if (req.url === "/vectors.js") {
      res.writeHead(200, { "content-type": "text/javascript" }).end(script);
    } else res.writeHead(404).end();
  });
  server = http;
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
});
afterAll(
  () => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())),
);

browserSuite("word vectors in chromium")("the built package in chromium", () => {
  it("computes the bundled word vectors, and recognises with them, as Node does", {
    timeout: 60_000,
  }, async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on("pageerror", (error) => errors.push(String(error)));
      await page.goto(origin);
      await page.waitForFunction(() => "result" in window, undefined, { timeout: 30_000 });
      const result = await page.evaluate(() => (window as unknown as { result: unknown }).result);
      expect(errors).toEqual([]);
      expect(result).toEqual(await nodeVectors());
    } finally {
      await browser.close();
    }
  });
});
