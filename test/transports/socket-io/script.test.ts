import { io as socketIoClient } from "socket.io-client";
import { afterEach, describe, expect, it } from "vitest";
import { BotClient } from "../../../src/client/index.js";
import { Bot, session } from "../../../src/index.js";
import { socketIoWebSocket } from "../../../src/transports/socket-io/index.js";
import { checkRuntime, nodeTranscript, type Transcript } from "../../runtimes/helpers.js";
import { type Harness, startHarness } from "./harness.js";

// The same bot file every runtime and transport serves (test/runtimes/fixtures/bot.js:
// session, commands, a dialog, a pattern, an intent) answers the scripted conversation over
// Socket.IO exactly as Node's in-memory reference run (nodeTranscript(), the BUILT package).

type Fixtures = {
  createBot(botwire: { Bot: typeof Bot; session: typeof session }): Bot;
  SCRIPT: Record<string, string[]>;
};
const { createBot, SCRIPT } = (await import(
  new URL("../../runtimes/fixtures/bot.js", import.meta.url).href
)) as Fixtures;
const { playScript } = (await import(
  new URL("../../runtimes/fixtures/wire-conversation.js", import.meta.url).href
)) as { playScript(connect: Harness["connect"]): Promise<Transcript> };

const { skip } = checkRuntime("node");
const running: Harness[] = [];
afterEach(async () => {
  for (const harness of running.splice(0)) await harness.stop();
});

describe.skipIf(skip)("the fixture bot over Socket.IO answers as in Node", () => {
  it("with the event contract (raw socket.io-client sockets)", async () => {
    const harness = await startHarness(createBot({ Bot, session }));
    running.push(harness);
    expect(await playScript(() => harness.connect())).toEqual(await nodeTranscript());
  });

  it("over HTTP long-polling (Socket.IO's fallback transport)", async () => {
    const harness = await startHarness(createBot({ Bot, session }));
    running.push(harness);
    const connect = () => harness.connect({ transports: ["polling"] });
    expect(await playScript(connect)).toEqual(await nodeTranscript());
  });

  it("with BotClient through socketIoWebSocket", async () => {
    const harness = await startHarness(createBot({ Bot, session }));
    running.push(harness);
    const WebSocket = socketIoWebSocket((url) =>
      socketIoClient(url, { transports: ["websocket"], forceNew: true }),
    );
    const transcript: Transcript = {};
    for (const [name, messages] of Object.entries(SCRIPT)) {
      const client = new BotClient(harness.wsUrl, { WebSocket });
      await client.connect();
      transcript[name] = [];
      for (const text of messages) {
        const reply = await client.request(text);
        transcript[name].push([text, [reply.text ?? ""]]);
      }
      await client.close();
    }
    expect(transcript).toEqual(await nodeTranscript());
  });
});
