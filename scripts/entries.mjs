/**
 * The one list of botwire's entry points. Everything else that lists them is generated from
 * it or checked against it:
 *   - tsup.config.ts builds `dist/<name>.{js,cjs,d.ts,d.cts}` from `source`;
 *   - typedoc.config.mjs documents each `source` (the file's `@module <importPath>` tag names
 *     the page);
 *   - scripts/check-consumers.sh imports and type-checks each `importPath` from the tarball;
 *   - package.json `exports` and `typesVersions`: `node scripts/entries.mjs --write` rewrites
 *     them, and test/package/entries.test.ts fails when they drift.
 *
 * To add an entry point: add a line here, create `source` with a `@module botwire/<subpath>`
 * doc comment, run `node scripts/entries.mjs --write`.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** @type {readonly import("./entries.d.mts").Entry[]} */
export const entries = [
  {
    subpath: ".",
    name: "index",
    source: "src/index.ts",
    audience: "bot authors: Bot, Context, routing, sessions, dialogs, the middleware factories",
  },
  {
    subpath: "./ws",
    name: "ws",
    source: "src/transports/ws/index.ts",
    audience: "serving a bot over WebSocket in Node (`serve`)",
  },
  {
    subpath: "./bun",
    name: "bun",
    source: "src/transports/bun/index.ts",
    audience: "serving a bot from Bun's own WebSocket server (`Bun.serve`)",
  },
  {
    subpath: "./web",
    name: "web",
    source: "src/transports/web/index.ts",
    audience: "serving a bot on standard server WebSockets: Deno, Cloudflare Workers, Hono",
  },
  {
    subpath: "./socket.io",
    name: "socket.io",
    source: "src/transports/socket-io/index.ts",
    audience: "mounting a bot on an existing Socket.IO server or namespace",
  },
  {
    subpath: "./otel",
    name: "otel",
    source: "src/otel/index.ts",
    audience: "OpenTelemetry traces and metrics for a bot: `openTelemetry()`",
  },
  {
    subpath: "./inspect",
    name: "inspect",
    source: "src/inspect/index.ts",
    audience: "a live, token-protected page of every node's connections, sessions and errors",
  },
  {
    subpath: "./word-vectors",
    name: "word-vectors",
    source: "src/word-vectors/index.ts",
    audience: "bundled English word vectors for the intent recognizer: `wordVectors()`",
  },
  {
    subpath: "./testing",
    name: "testing",
    source: "src/testing/index.ts",
    audience: "tests: `createTestClient`, the memory transport, conformance suites",
  },
  {
    subpath: "./client",
    name: "client",
    source: "src/client/index.ts",
    audience: "apps that talk to a bot: `BotClient` for browsers and Node",
    dom: true,
    node: { name: "client.node", source: "src/client/node.ts" },
  },
  {
    subpath: "./redis",
    name: "redis",
    source: "src/redis/index.ts",
    audience: "running on many nodes: `RedisStore`, `RedisLedger`, `RedisBroker`",
  },
  {
    subpath: "./middleware",
    name: "middleware",
    source: "src/middleware/index.ts",
    audience:
      "middleware and plugin authors: `compose`, handshake hooks, events, detail types and defaults",
  },
  {
    subpath: "./protocol",
    name: "protocol",
    source: "src/protocol/index.ts",
    audience: "other clients and tools: frame types and schemas, error and close codes, limits",
  },
  {
    subpath: "./storage",
    name: "storage",
    source: "src/storage/index.ts",
    audience: "store, ledger and broker authors: the contracts and the memory implementations",
  },
  {
    subpath: "./transport",
    name: "transport",
    source: "src/transports/index.ts",
    audience: "transport authors: the `Transport` / `Connection` contract and the shared policy",
  },
  {
    subpath: "./text",
    name: "text",
    source: "src/text/index.ts",
    audience: "text helpers: HTML escaping, constant-time compare, normalising and tokenising",
  },
];

/** The package name the subpaths hang off. */
export const packageName = "botwire";

/**
 * What `import` resolves an entry to, e.g. `botwire/ws`.
 * @param {import("./entries.d.mts").Entry} entry
 */
export function importPath(entry) {
  return entry.subpath === "." ? packageName : `${packageName}/${entry.subpath.slice(2)}`;
}

/**
 * The runtimes that have a global WebSocket and resolve an entry's portable build even where
 * they also match `node` (Deno and Bun do): listed before `node` in the conditions.
 */
export const webConditions = ["browser", "deno", "bun", "workerd", "worker"];

/**
 * package.json `exports`: types first for both `import` and `require`. An entry with a
 * `node` build maps the web runtimes' conditions to its portable build, then `node` to the
 * Node build; both builds share the portable build's types (their API is the same).
 */
export function packageExports() {
  /** @type {Record<string, unknown>} */
  const map = {};
  for (const { subpath, name, node } of entries) {
    const build = (file) => ({
      import: { types: `./dist/${name}.d.ts`, default: `./dist/${file}.js` },
      require: { types: `./dist/${name}.d.cts`, default: `./dist/${file}.cjs` },
    });
    if (node === undefined) {
      map[subpath] = build(name);
      continue;
    }
    const web = build(name);
    map[subpath] = {
      ...Object.fromEntries(webConditions.map((c) => [c, web])),
      node: build(node.name),
      ...web,
    };
  }
  map["./package.json"] = "./package.json";
  return map;
}

/** package.json `sideEffects`: the Node builds register their WebSocket when loaded. */
export function packageSideEffects() {
  const files = entries.flatMap((e) =>
    e.node === undefined ? [] : [`./dist/${e.node.name}.js`, `./dist/${e.node.name}.cjs`],
  );
  return files.length === 0 ? false : files;
}

/** package.json `typesVersions`: the subpaths for TypeScript's node10 resolution. */
export function packageTypesVersions() {
  /** @type {Record<string, string[]>} */
  const paths = {};
  for (const { subpath, name } of entries) {
    if (subpath !== ".") paths[subpath.slice(2)] = [`./dist/${name}.d.cts`];
  }
  return { "*": paths };
}

/** tsup's `entry`: output name → source file. */
export function tsupEntry() {
  return Object.fromEntries(
    entries.flatMap((e) => [
      [e.name, e.source],
      ...(e.node === undefined ? [] : [[e.node.name, e.node.source]]),
    ]),
  );
}

// `node scripts/entries.mjs --write` rewrites package.json's entry fields from the list;
// `node scripts/entries.mjs [--no-dom] [--types-only]` prints the import paths of all entries
// (or of those without `dom`, or with `typesOnly`); scripts/check-consumers.sh reads them.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  if (args.includes("--write")) {
    const file = fileURLToPath(new URL("../package.json", import.meta.url));
    const pkg = JSON.parse(readFileSync(file, "utf8"));
    pkg.exports = packageExports();
    pkg.sideEffects = packageSideEffects();
    pkg.typesVersions = packageTypesVersions();
    writeFileSync(file, `${JSON.stringify(pkg, null, 2)}\n`);
    console.log(`package.json: ${entries.length} entry points written`);
  } else {
    let pick = entries;
    if (args.includes("--no-dom")) pick = pick.filter((e) => !e.dom);
    if (args.includes("--types-only")) pick = pick.filter((e) => e.typesOnly);
    console.log(pick.map(importPath).join(" "));
  }
}
