/**
 * Import rules of src/, checked by `npm run check:deps` (part of `npm test`).
 *
 * Layers, bottom to top; a folder may import its own layer and the ones below it:
 *   util → protocol → storage → core → connection · router · dialog → session → middleware
 *   → bot → transports · redis → testing.  client/ (the browser client) sees only util and protocol.
 * The folders below the Node-only entry points must run in browsers, Deno, Bun and workerd:
 * no node:* built-ins, no ws, no ioredis there (tsconfig.portable.json checks the globals).
 */
const LAYERS = [
  ["util"],
  ["protocol"],
  ["storage"],
  ["core"],
  ["connection", "router", "dialog"],
  ["session"],
  ["middleware"],
  ["bot"],
  ["transports", "redis", "otel", "inspect", "word-vectors"],
  ["testing", "text"],
];

const rank = new Map(LAYERS.flatMap((names, i) => names.map((name) => [name, i])));
const folders = [...rank.keys()];

/** For each folder: it may not import any folder of a higher layer, nor a sibling of its own layer. */
const layerRules = folders.map((from) => {
  const level = rank.get(from);
  const forbidden = folders.filter(
    (to) => to !== from && (rank.get(to) > level || rank.get(to) === level),
  );
  return {
    name: `layer-${from}`,
    comment: `src/${from}/ may import only the layers below it (see the header of this file)`,
    severity: "error",
    from: { path: `^src/${from}/` },
    to: { path: `^src/(${[...forbidden, "client"].join("|")})/` },
  };
});

const PORTABLE =
  "^src/(util|protocol|storage|core|connection|router|dialog|session|middleware|bot|testing|client|transports/memory|transports/policy|transports/socket-io|transports/web|transports/bun|text|otel|inspect|word-vectors)/";

module.exports = {
  forbidden: [
    {
      name: "no-circular",
      comment: "An import circle is a design smell: extract the shared part or an interface.",
      severity: "error",
      from: { path: "^src/" },
      to: { circular: true },
    },
    ...layerRules,
    {
      name: "client-is-standalone",
      comment: "botwire/client ships to browsers: it may use util and protocol only.",
      severity: "error",
      from: { path: "^src/client/" },
      to: { path: "^src/", pathNot: "^src/(client|util|protocol)/" },
    },
    {
      name: "portable-no-node",
      comment: "Portable code runs outside Node: no node:* built-ins, ws or ioredis.",
      severity: "error",
      from: { path: PORTABLE },
      to: { dependencyTypes: ["core"] },
    },
    {
      name: "portable-no-server-packages",
      comment:
        "Portable code runs outside Node: ws and ioredis belong behind botwire/ws and botwire/redis.",
      severity: "error",
      from: { path: PORTABLE, pathNot: "^src/client/" },
      to: { path: "node_modules/(ws|ioredis|isomorphic-ws)/" },
    },
    {
      name: "client-ws-only-in-node-build",
      comment:
        "botwire/client loads ws only in its Node build (src/client/node.ts, the `node` export condition): browsers, Deno, Bun and workerd must never load it.",
      severity: "error",
      from: { path: "^src/client/", pathNot: "^src/client/node\\.ts$" },
      to: { path: "node_modules/(ws|isomorphic-ws)/" },
    },
    {
      name: "entry-files-on-top",
      comment:
        "Only entry files (src/*.ts, src/*/index.ts) re-export; nothing imports src/index.ts.",
      severity: "error",
      from: { path: "^src/" },
      to: { path: "^src/index\\.ts$" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
    },
  },
};
