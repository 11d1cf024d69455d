import type { ChildProcess } from "node:child_process";
import { afterEach, describe, it } from "vitest";
import { webDistMissing } from "../transports/web/dist.js";
import { expectAnswers, startExample } from "./web-example.js";

// examples/hono/server.js, as its comment says to run it (`node examples/hono/server.js`
// after a build), on port 0, answering a BotClient from the built botwire/client.
const skip = webDistMissing("examples/hono");

const children = new Set<ChildProcess>();
afterEach(() => {
  for (const child of children) child.kill("SIGKILL");
  children.clear();
});

describe.skipIf(skip)("examples/hono/server.js", () => {
  it("runs with one command in Node and answers a BotClient", { timeout: 90_000 }, async () => {
    const url = await startExample(
      children,
      process.execPath,
      ["examples/hono/server.js"],
      "hono bot",
    );
    await expectAnswers(url, "Hi from Hono! I repeat what you say. Try /shout hello.");
  });
});
