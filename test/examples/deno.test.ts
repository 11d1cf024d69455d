import type { ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, it } from "vitest";
import { checkRuntime } from "../runtimes/helpers.js";
import { webDistMissing } from "../transports/web/dist.js";
import { expectAnswers, startExample } from "./web-example.js";

// examples/deno/server.js, as its comment says to run it (after a build; "botwire" and
// "botwire/web" resolve through the package's own name), on port 0, answering a BotClient.
// Offline and with its own cache: --no-remote --cached-only, no lockfile written.
const runtime = checkRuntime("deno");
const skip = runtime.skip || webDistMissing("examples/deno");

const children = new Set<ChildProcess>();
afterEach(() => {
  for (const child of children) child.kill("SIGKILL");
  children.clear();
});

let denoDir = "";
beforeAll(async () => {
  denoDir = await mkdtemp(join(tmpdir(), "botwire-deno-example-"));
});
afterAll(async () => {
  await rm(denoDir, { recursive: true, force: true });
});

describe.skipIf(skip)("examples/deno/server.js", () => {
  it("runs with one command in Deno and answers a BotClient", { timeout: 90_000 }, async () => {
    const args = ["run", "--no-lock", "--no-remote", "--cached-only", "--allow-net"];
    const url = await startExample(
      children,
      runtime.binary,
      [...args, "--allow-env=PORT,HOST", "examples/deno/server.js"],
      "deno bot",
      { DENO_DIR: denoDir, DENO_NO_UPDATE_CHECK: "1" },
    );
    await expectAnswers(url, "Hi from Deno! I repeat what you say. Try /shout hello.");
  });
});
