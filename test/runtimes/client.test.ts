import { execFile } from "node:child_process";
import { copyFile, mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Bot } from "../../src/index.js";
import { type ServeHandle, serve } from "../../src/transports/ws/index.js";
import { checkRuntime, fixture, ROOT } from "./helpers.js";

// botwire/client where the platform has its own WebSocket: the package's export conditions
// must give Deno, Bun, browsers and workerd the portable build, which never loads `ws`. The
// issue this guards: Deno needed --allow-env (ws reads WS_NO_BUFFER_UTIL) only to import the
// client. Each runtime runs fixtures/client-probe.js from a project that depends on botwire
// (node_modules/botwire is a link to this checkout) against a bot served by Node.
const bun = checkRuntime("bun");
const deno = checkRuntime("deno");

let handle: ServeHandle;
let port: number;
let project: string;

beforeAll(async () => {
  const bot = new Bot();
  bot.command("echo", (ctx) => ctx.reply(ctx.command.args));
  handle = serve(bot, { port: 0, host: "127.0.0.1" });
  await handle.ready;
  port = (handle.address() as { port: number }).port;
  project = await mkdtemp(join(tmpdir(), "botwire-client-"));
  await mkdir(join(project, "node_modules"));
  await symlink(ROOT, join(project, "node_modules", "botwire"), "dir");
  const pkg = { name: "probe", private: true, type: "module", dependencies: { botwire: "*" } };
  await writeFile(join(project, "package.json"), JSON.stringify(pkg));
  await copyFile(fixture("client-probe.js"), join(project, "client-probe.js"));
});

afterAll(async () => {
  await handle?.close();
  if (project) await rm(project, { recursive: true, force: true });
});

async function probe(binary: string, args: string[], env: Record<string, string> = {}) {
  const { stdout } = await promisify(execFile)(binary, [...args, "client-probe.js", String(port)], {
    cwd: project,
    env: { ...process.env, NO_COLOR: "1", ...env },
    timeout: 60_000,
  });
  return JSON.parse(stdout.trim().split("\n").at(-1) ?? "") as { text: string };
}

describe("botwire/client without ws where the platform has a WebSocket", () => {
  it.skipIf(deno.skip)("runs in Deno with network access only (no env, no read)", async () => {
    const denoDir = join(project, ".deno");
    const reply = await probe(
      deno.binary,
      ["run", "--no-lock", "--no-remote", "--cached-only", "--allow-net=127.0.0.1"],
      { DENO_DIR: denoDir, DENO_NO_UPDATE_CHECK: "1" },
    );
    expect(reply.text).toBe("from the runtime");
  });

  it.skipIf(bun.skip)("runs in Bun on Bun's own WebSocket", async () => {
    const reply = await probe(bun.binary, ["--no-install"]);
    expect(reply.text).toBe("from the runtime");
  });

  for (const [target, conditions] of [
    ["a browser bundle", ["browser"]],
    ["a Cloudflare Workers bundle", ["workerd", "worker"]],
  ] as const) {
    it(`leaves ws out of ${target}`, async () => {
      const entry = join(project, "entry.js");
      await writeFile(entry, 'export { BotClient } from "botwire/client";\n');
      const result = await build({
        entryPoints: [entry],
        bundle: true,
        write: false,
        format: "esm",
        platform: "browser",
        conditions: [...conditions],
        metafile: true,
        logLevel: "silent",
      });
      const inputs = Object.keys(result.metafile.inputs);
      expect(inputs.some((path) => path.includes("dist/client.js"))).toBe(true);
      expect(inputs.filter((path) => /node_modules\/(ws|isomorphic-ws)\//.test(path))).toEqual([]);
      expect(inputs.some((path) => path.includes("client.node"))).toBe(false);
    });
  }

  it("gives Node the build that falls back to ws (Node 20 has no global WebSocket)", async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["--input-type=module", "-e", 'console.log(import.meta.resolve("botwire/client"))'],
      { cwd: project },
    );
    expect(stdout.trim()).toMatch(/dist\/client\.node\.js$/);
  });
});
