import { afterEach, describe, expect, it } from "vitest";
import { Bot, session } from "../../../src/index.js";
import type { SuiteSocket } from "../../../src/testing/index.js";
import { checkRuntime, nodeTranscript, type Transcript } from "../../runtimes/helpers.js";
import { serveOnHono } from "./hono-server.js";

// The same bot file every runtime and transport serves (test/runtimes/fixtures/bot.js:
// session, commands, a dialog, a pattern, an intent) answers the scripted conversation on a
// Hono app exactly as Node's in-memory reference run (nodeTranscript(), the BUILT package).

type Fixtures = {
  createBot(botwire: { Bot: typeof Bot; session: typeof session }): Bot;
};
const { createBot } = (await import(
  new URL("../../runtimes/fixtures/bot.js", import.meta.url).href
)) as Fixtures;
const { playScript } = (await import(
  new URL("../../runtimes/fixtures/wire-conversation.js", import.meta.url).href
)) as { playScript(connect: () => Promise<SuiteSocket>): Promise<Transcript> };

const { skip } = checkRuntime("node");
const stops: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

describe.skipIf(skip)("the fixture bot on botwire/web with Hono answers as in Node", () => {
  it("plays the script over real sockets", async () => {
    const bot = createBot({ Bot, session });
    const hono = await serveOnHono(bot, { allowedOrigins: "*" });
    stops.push(() => hono.close());
    expect(await playScript(() => hono.connect())).toEqual(await nodeTranscript());
  });
});
