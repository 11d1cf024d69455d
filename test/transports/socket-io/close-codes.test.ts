import { type Socket, io as socketIoClient } from "socket.io-client";
import { afterEach, describe, expect, it } from "vitest";
import type { DisconnectEvent } from "../../../src/core/events.js";
import { Bot } from "../../../src/index.js";
import {
  type AdapterCloseEvent,
  type SocketIoWebSocket,
  socketIoWebSocket,
} from "../../../src/transports/socket-io/index.js";
import { until as waitUntil } from "../../helpers/until.js";
import { type Harness, type HarnessOptions, startHarness, tcpOf } from "./harness.js";

// The close-code table of docs/transports.md, played: for each way a connection ends, the
// code the bot reports (bot.events "disconnect") and the code a client sees through the
// adapter (what BotClient acts on).

const running: Harness[] = [];
afterEach(async () => {
  for (const harness of running.splice(0)) await harness.stop();
});

/** Waits for `check` (10 s at most: Socket.IO reconnects take their time). */
const until = (check: () => boolean, what: string) => waitUntil(check, what, 10_000);

/** A bot, a server, and one welcomed adapter connection whose socket.io socket we hold. */
async function scene(options: HarnessOptions = {}, bot = new Bot()) {
  bot.on("message", (ctx) => ctx.reply(`echo: ${ctx.text}`));
  const disconnects: DisconnectEvent[] = [];
  bot.events.on("disconnect", (event) => disconnects.push(event));
  const harness = await startHarness(bot, options);
  running.push(harness);
  let raw: Socket | undefined;
  const Adapter = socketIoWebSocket((url) => {
    raw = socketIoClient(url, { transports: ["websocket"], forceNew: true });
    return raw;
  });
  const ws: SocketIoWebSocket = new Adapter(harness.wsUrl);
  const frames: string[] = [];
  const closes: AdapterCloseEvent[] = [];
  ws.onmessage = ({ data }) => void frames.push(String(data));
  ws.onclose = (event) => void closes.push(event);
  await new Promise<void>((resolve) => {
    ws.onopen = () => resolve();
  });
  ws.send(JSON.stringify({ type: "hello" }));
  await until(() => frames.length === 1, "the welcome");
  const botCode = async () => {
    await until(() => disconnects.length === 1, "the bot's disconnect");
    return disconnects[0]?.code;
  };
  const clientCode = async () => {
    await until(() => closes.length === 1, "the client's close");
    return closes[0]?.code;
  };
  return { bot, harness, ws, socket: raw as Socket, botCode, clientCode, frames };
}

describe("close codes over Socket.IO: what the bot and the client see", () => {
  it("the client closes with a code (close event + namespace disconnect): both see it", async () => {
    const s = await scene();
    s.ws.close(4000, "bye");
    expect([await s.botCode(), await s.clientCode()]).toEqual([4000, 4000]);
  });

  it("a plain socket.disconnect() of the client (no close event): 1000", async () => {
    const s = await scene();
    s.socket.disconnect();
    expect(await s.botCode()).toBe(1000);
  });

  it("the client's connection closes below Socket.IO (transport close): 1006 for both", async () => {
    const s = await scene();
    s.socket.io.engine.close();
    expect([await s.botCode(), await s.clientCode()]).toEqual([1006, 1006]);
  });

  it("the client's WebSocket fails (transport error): 1006 for both", async () => {
    const s = await scene();
    tcpOf(s.socket).write(Buffer.from([0x81, 0x01, 0x61]));
    expect([await s.botCode(), await s.clientCode()]).toEqual([1006, 1006]);
  });

  it("the client stops answering pings (ping timeout): the bot sees 1006", async () => {
    const s = await scene({ server: { pingInterval: 50, pingTimeout: 50 } });
    tcpOf(s.socket).pause();
    expect(await s.botCode()).toBe(1006);
  });

  it("the app disconnects the socket (server namespace disconnect): 1000 for both", async () => {
    const s = await scene();
    for (const socket of s.harness.namespace.sockets.values()) socket.disconnect();
    expect([await s.botCode(), await s.clientCode()]).toEqual([1000, 1000]);
  });

  it("the app closes its Socket.IO server (server shutting down): bot 1001, client 1006", async () => {
    const s = await scene();
    s.harness.io.close();
    expect([await s.botCode(), await s.clientCode()]).toEqual([1001, 1006]);
  });

  it("the bot is detached (handle.close()): 1001 for both, the server runs on", async () => {
    const s = await scene();
    await s.harness.handle.close();
    expect([await s.botCode(), await s.clientCode()]).toEqual([1001, 1001]);
    expect(s.harness.http.listening).toBe(true);
  });

  it("the bot closes with its own code (4408, 4401, 4429 …): the client sees it", async () => {
    const s = await scene({ attach: { helloTimeoutMs: 100 } }, new Bot());
    // The scene's connection said hello; a new one that says nothing is closed with 4408.
    const silent = await s.harness.connect();
    expect(await silent.closed).toBe(4408);
    s.ws.close(1000);
  });

  it("the bot closes a slow reader (1013): its whole connection is dropped, the client sees 1006", async () => {
    const bot = new Bot({ limits: { maxBufferedBytes: 64 * 1024 } });
    const s = await scene({}, bot);
    tcpOf(s.socket).pause();
    const session = (JSON.parse(s.frames[0] as string) as { session: string }).session;
    const chunk = "x".repeat(16 * 1024);
    // Yielding to I/O after each send, so Engine.IO flushes as it can: what backs up is the
    // client's unread data, not a burst of one tick.
    for (let i = 0; i < 8000 && s.harness.handle.connections > 0; i++) {
      await bot.sendTo({ session }, chunk);
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(await s.botCode()).toBe(1013);
    tcpOf(s.socket).resume();
    expect(await s.clientCode()).toBe(1006);
  });

  it("a namespace middleware refuses: 4401 (not retried), or its error's data.code", async () => {
    const harness = await startHarness(new Bot(), {
      setup(namespace) {
        namespace.use((socket, next) => {
          const error = new Error(String(socket.handshake.auth.say)) as Error & { data?: unknown };
          if (socket.handshake.auth.say === "busy") error.data = { code: 1013 };
          next(error);
        });
      },
    });
    running.push(harness);
    for (const [say, code] of [
      ["no", 4401],
      ["busy", 1013],
    ] as const) {
      const Adapter = socketIoWebSocket((url) =>
        socketIoClient(url, { transports: ["websocket"], forceNew: true, auth: { say } }),
      );
      const ws = new Adapter(harness.wsUrl);
      const closed = new Promise<AdapterCloseEvent>((resolve) => {
        ws.onclose = resolve;
      });
      expect(await closed).toMatchObject({ code, reason: say });
    }
  });

  it("a server that cannot be reached: 1006 once, and socket.io does not retry behind BotClient", async () => {
    const harness = await startHarness(new Bot());
    const url = harness.wsUrl;
    await harness.stop();
    harness.http.close();
    let made = 0;
    const Adapter = socketIoWebSocket((u) => {
      made++;
      return socketIoClient(u, { transports: ["websocket"], forceNew: true });
    });
    const ws = new Adapter(url);
    const closes: AdapterCloseEvent[] = [];
    ws.onclose = (event) => void closes.push(event);
    await until(() => closes.length === 1, "the failed connection's close");
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect([closes.length, closes[0]?.code, made]).toEqual([1, 1006, 1]);
  });
});
