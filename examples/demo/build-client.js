// Builds `botwire/client` as one minified ES module for browsers, so a page can load it with
// no bundler (`import { BotClient } from "/botwire-client.js"`). The demo server builds it
// in memory at start; run this file to print its size, or to write it somewhere:
//
//   node examples/demo/build-client.js [out-file.js]
//
// esbuild comes with tsup (a devDependency).
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

const entry = fileURLToPath(new URL("../../src/client/index.ts", import.meta.url));

/**
 * Bundles the client with its dependencies (eventemitter3). The portable build of the client
 * uses the browser's WebSocket and never imports `ws` (only src/client/node.ts does).
 * @returns {Promise<{ code: string, bytes: number, gzipBytes: number }>}
 */
export async function buildBrowserClient() {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2020",
    minify: true,
    legalComments: "none",
    write: false,
    logLevel: "silent",
  });
  const code = result.outputFiles[0].text;
  return { code, bytes: Buffer.byteLength(code), gzipBytes: gzipSync(code, { level: 9 }).length };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { code, bytes, gzipBytes } = await buildBrowserClient();
  const out = process.argv[2];
  if (out !== undefined) {
    const { writeFile } = await import("node:fs/promises");
    await writeFile(out, code);
  }
  console.log(`botwire/client browser build: ${bytes} B minified, ${gzipBytes} B min+gzip`);
}
