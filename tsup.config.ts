import { defineConfig } from "tsup";

// One entry per subpath export in package.json; the names give dist/<name>.{js,cjs,d.ts,d.cts}.
export default defineConfig({
  entry: {
    index: "src/index.ts",
    ws: "src/transports/ws/index.ts",
    testing: "src/testing/index.ts",
    client: "src/client/index.ts",
    redis: "src/redis/index.ts",
  },
  format: ["esm", "cjs"],
  dts: true,
  sourcemap: true,
  clean: true,
  target: "es2022",
  platform: "neutral",
  // Shared code goes into chunks imported by every entry, in both formats, so a class such as
  // Bot is one runtime value whichever subpath it is reached through (instanceof keeps working).
  splitting: true,
  // tsup already leaves dependencies and peerDependencies external; node: builtins are listed
  // because platform "neutral" does not know them.
  external: [/^node:/],
});
