import { Manager, io as socketIoClient } from "socket.io-client";
import { afterEach, describe, expect, it } from "vitest";
import { BotClient } from "../../../src/client/index.js";
import { Bot, type Context, type SessionFlavor, session } from "../../../src/index.js";
import { socketIoWebSocket } from "../../../src/transports/socket-io/index.js";
import { until as waitUntil } from "../../helpers/until.js";
import { type Harness, startHarness } from "./harness.js";

// BotClient over socket.io-client through the adapter: replies, a dropped connection that is
// resumed without losing a message, a shared Manager, and the close codes the client sees.

const running: Harness[] = [];
const clients: BotClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) await client.close();
  for (const harness of running.splice(0)) await harness.stop();
});

/** Waits for `check` (10 s at most: Socket.IO reconnects take their time). */
const until = (check: () => boolean, what: string) => waitUntil(check, what, 10_000);

function countingBot() {
  const bot = new Bot<Context & SessionFlavor<{ n: number }>>();
  bot.use(session({ initial: () => ({ n: 0 }) }));
  bot.command("count", (ctx) => {
    ctx.session.n += 1;
    return ctx.reply(`count ${ctx.session.n}`);
  });
  bot.on("message", (ctx) => ctx.reply(`echo: ${ctx.text}`));
  return bot;
}

const overSocketIo = socketIoWebSocket((url) =>
  socketIoClient(url, { transports: ["websocket"], forceNew: true }),
);

function botClient(harness: Harness, WebSocket = overSocketIo) {
  const client = new BotClient(harness.wsUrl, {
    WebSocket,
    reconnect: { initialDelayMs: 20, maxDelayMs: 100 },
  });
  clients.push(client);
  return client;
}

describe("BotClient over socket.io-client (socketIoWebSocket)", () => {
  it("connects, sends and gets replies in its session", async () => {
    const harness = await startHarness(countingBot());
    running.push(harness);
    const client = botClient(harness);
    await client.connect();
    expect((await client.request("hello")).text).toBe("echo: hello");
    expect((await client.request("/count")).text).toBe("count 1");
    expect((await client.request("/count")).text).toBe("count 2");
    expect(harness.handle.connections).toBe(1);
  });

  it("reconnects and resumes after the server drops the connection: no message lost", async () => {
    const bot = countingBot();
    const harness = await startHarness(bot);
    running.push(harness);
    const client = botClient(harness);
    const texts: string[] = [];
    const closes: number[] = [];
    const opens: boolean[] = [];
    client.on("message", (m) => void texts.push(m.text ?? ""));
    client.on("close", ({ code }) => void closes.push(code));
    client.on("open", ({ resumed }) => void opens.push(resumed));
    await client.connect();
    const sessionId = client.session as string;
    await client.request("/count");
    // The app disconnects the socket and closes its connection: the client sees
    // "io server disconnect" without a close event of the bot, i.e. 1000, and reconnects.
    harness.namespace.disconnectSockets(true);
    await until(() => closes.length === 1, "the close");
    // Sent while the client is away: kept in the session's outbox.
    await bot.sendTo({ session: sessionId }, "while you were away");
    await until(() => opens.length === 2, "the reconnect");
    expect(opens).toEqual([false, true]);
    expect(client.session).toBe(sessionId);
    await until(() => texts.includes("while you were away"), "the missed message");
    expect((await client.request("/count")).text).toBe("count 2");
    // The connection drops below Socket.IO (as when a network fails): 1006.
    for (const socket of harness.namespace.sockets.values()) socket.conn.close();
    await until(() => closes.length === 2, "the second close");
    await bot.sendTo({ session: sessionId }, "again");
    await until(() => opens.length === 3, "the second reconnect");
    expect((await client.request("/count")).text).toBe("count 3");
    expect(closes).toEqual([1000, 1006]);
    expect(texts).toEqual(["count 1", "while you were away", "count 2", "again", "count 3"]);
  });

  it("shares the app's connection through a Manager (the URL's path is the namespace)", async () => {
    const harness = await startHarness(countingBot());
    running.push(harness);
    harness.io.of("/chat").on("connection", (socket) => {
      socket.on("ping", (ack: (answer: string) => void) => ack("pong"));
    });
    const manager = new Manager(`http://127.0.0.1:${harness.port}`, {
      transports: ["websocket"],
    });
    const chat = manager.socket("/chat");
    const client = botClient(harness, socketIoWebSocket(manager));
    await client.connect();
    expect((await client.request("over the shared connection")).text).toBe(
      "echo: over the shared connection",
    );
    expect(await chat.emitWithAck("ping")).toBe("pong");
    await client.close();
    // The bot's namespace closed; the app's namespace on the same connection goes on.
    expect(await chat.emitWithAck("ping")).toBe("pong");
    chat.disconnect();
  });

  it("reports the bot's close code: 1001 when the bot is detached (then reconnects)", async () => {
    const bot = countingBot();
    const harness = await startHarness(bot);
    running.push(harness);
    const client = botClient(harness);
    const closes: Array<[number, boolean]> = [];
    client.on("close", ({ code, willReconnect }) => void closes.push([code, willReconnect]));
    await client.connect();
    await harness.handle.close();
    await until(() => closes.length === 1, "the close");
    expect(closes[0]).toEqual([1001, true]);
  });
});
