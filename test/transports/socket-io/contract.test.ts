import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Server } from "socket.io";
import { io as socketIoClient } from "socket.io-client";
import { afterEach, describe, expect, it } from "vitest";
import { Bot } from "../../../src/index.js";
import { attachToSocketIO } from "../../../src/transports/socket-io/index.js";
import { until as waitUntil } from "../../helpers/until.js";
import { type Harness, startHarness } from "./harness.js";

// The event contract beyond the conformance suite: payloads that are not strings, a custom
// event name, the whole server as target, capacity, and options that belong to Socket.IO.

const running: Harness[] = [];
afterEach(async () => {
  for (const harness of running.splice(0)) await harness.stop();
});

/** Waits for `check` (10 s at most: Socket.IO reconnects take their time). */
const until = (check: () => boolean, what: string) => waitUntil(check, what, 10_000);

function echoBot() {
  const bot = new Bot();
  bot.on("message", (ctx) => ctx.reply(`echo: ${ctx.text}`));
  return bot;
}

const parsed = (raw: readonly string[]) => raw.map((f) => JSON.parse(f) as Record<string, unknown>);

describe("botwire/socket.io event contract", () => {
  it("answers a payload that is not a string (object, number, bytes, none) like a binary frame", async () => {
    const harness = await startHarness(echoBot());
    running.push(harness);
    const raw = harness.client();
    const received: string[] = [];
    raw.on("botwire", (frame: string) => received.push(frame));
    await new Promise<void>((resolve) => raw.once("connect", () => resolve()));
    raw.emit("botwire", JSON.stringify({ type: "hello" }));
    for (const payload of [{ type: "hello" }, 42, new Uint8Array([1, 2]), undefined]) {
      raw.emit("botwire", payload);
    }
    await until(() => parsed(received).filter((f) => f.type === "error").length === 4, "4 errors");
    expect(
      parsed(received)
        .filter((f) => f.type === "error")
        .map((f) => f.code),
    ).toEqual(Array(4).fill("bad_request"));
    raw.emit("botwire", JSON.stringify({ type: "message", id: "m1", text: "still here" }));
    await until(() => parsed(received).some((f) => f.replyTo === "m1"), "the reply");
    // Other events of the namespace are not the bot's: ignored, no error.
    raw.emit("something-else", "x");
    raw.emit("botwire", JSON.stringify({ type: "message", id: "m2", text: "again" }));
    await until(() => parsed(received).some((f) => f.replyTo === "m2"), "the second reply");
    expect(parsed(received).filter((f) => f.type === "error")).toHaveLength(4);
  });

  it("uses a custom event name, and a Server as target (its main namespace)", async () => {
    const http = createServer();
    const io = new Server(http);
    const handle = attachToSocketIO(echoBot(), io, { event: "bot" });
    expect(handle.namespace).toBe("/");
    await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
    const { port } = http.address() as AddressInfo;
    const raw = socketIoClient(`http://127.0.0.1:${port}`, { transports: ["websocket"] });
    const received: string[] = [];
    raw.on("bot", (frame: string) => received.push(frame));
    raw.on("connect", () => raw.emit("bot", "hi"));
    await until(() => parsed(received).some((f) => f.type === "message"), "the reply");
    expect(parsed(received).find((f) => f.type === "message")?.text).toBe("echo: hi");
    raw.disconnect();
    await handle.close();
    await new Promise<void>((resolve) => io.close(() => resolve()));
  });

  it("counts a burst queued within one tick, but a healthy client under the limit stays", async () => {
    const bot = new Bot({ limits: { maxBufferedBytes: 1024 * 1024 } });
    const codes: number[] = [];
    bot.events.on("disconnect", ({ code }) => void codes.push(code));
    const harness = await startHarness(bot);
    running.push(harness);
    const socket = await harness.connect();
    socket.send(JSON.stringify({ type: "hello" }));
    await until(() => socket.received.length === 1, "the welcome");
    const { session } = JSON.parse(socket.received[0] as string) as { session: string };
    // 40 × 16 KiB without yielding to I/O: Engine.IO queues it until the next tick.
    const chunk = "x".repeat(16 * 1024);
    for (let i = 0; i < 40; i++) await bot.sendTo({ session }, chunk);
    await until(() => socket.received.length === 41, "every message");
    expect(codes).toEqual([]);
  });

  it("refuses sockets beyond maxConnections with the close event (1013)", async () => {
    const harness = await startHarness(echoBot(), { attach: { maxConnections: 1 } });
    running.push(harness);
    await harness.connect();
    const second = await harness.connect();
    expect(await second.closed).toBe(1013);
    expect(harness.handle.connections).toBe(1);
  });

  it("refuses the options Socket.IO owns, naming what to use instead", () => {
    const io = new Server(); // not attached to an http server: nothing to close
    for (const [option, hint] of [
      ["allowedOrigins", "allowRequest"],
      ["maxPayload", "maxHttpBufferSize"],
      ["heartbeatMs", "pingInterval"],
      ["upgrade", "io.use"],
    ] as const) {
      expect(() => attachToSocketIO(echoBot(), io, { [option]: 1 } as never)).toThrow(hint);
    }
    expect(() => attachToSocketIO(echoBot(), io, { event: "disconnect" })).toThrow("reserved");
    expect(() => attachToSocketIO(echoBot(), io, { maxConnections: -1 })).toThrow("maxConnections");
    expect(() => attachToSocketIO(echoBot(), {} as never)).toThrow("Server or Namespace");
  });
});
