import { createHash, randomBytes } from "node:crypto";
import { createServer } from "node:http";
import { type AddressInfo, connect, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { Bot } from "../../src/index.js";
import type { DisconnectEvent } from "../../src/middleware/index.js";
import { serve } from "../../src/transports/ws/index.js";
import { until } from "./helpers.js";

const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

/** Encodes a masked client text frame (clients must mask, RFC 6455 §5.3). */
function textFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  if (payload.length > 125) throw new Error("test helper only does short frames");
  const mask = randomBytes(4);
  const masked = Buffer.from(payload.map((byte, i) => byte ^ (mask[i % 4] as number)));
  return Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), mask, masked]);
}

/** Parses unmasked server frames: returns their opcodes and payloads. */
function parseFrames(data: Buffer): Array<{ opcode: number; payload: Buffer }> {
  const frames: Array<{ opcode: number; payload: Buffer }> = [];
  let at = 0;
  while (at + 2 <= data.length) {
    const opcode = (data[at] as number) & 0x0f;
    let length = (data[at + 1] as number) & 0x7f;
    let header = 2;
    if (length === 126) {
      length = data.readUInt16BE(at + 2);
      header = 4;
    } else if (length === 127) {
      length = Number(data.readBigUInt64BE(at + 2));
      header = 10;
    }
    if (at + header + length > data.length) break;
    frames.push({ opcode, payload: data.subarray(at + header, at + header + length) });
    at += header + length;
  }
  return frames;
}

/** A raw WebSocket client: does the handshake and a hello, then can stop reading. */
async function rawClient(port: number) {
  const socket: Socket = connect(port, "127.0.0.1");
  const chunks: Buffer[] = [];
  socket.on("data", (chunk) => chunks.push(chunk));
  await new Promise((resolve) => socket.once("connect", resolve));
  const key = randomBytes(16).toString("base64");
  socket.write(
    `GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  );
  socket.write(textFrame('{"type":"hello"}'));
  const received = () => Buffer.concat(chunks);
  await until(() => received().includes("welcome"), "welcome");
  const raw = received();
  const headerEnd = raw.indexOf("\r\n\r\n") + 4;
  const accept = createHash("sha1")
    .update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`)
    .digest("base64");
  expect(raw.subarray(0, headerEnd).toString()).toContain(accept);
  const welcome = JSON.parse(parseFrames(raw.subarray(headerEnd))[0]?.payload.toString() ?? "");
  return {
    socket,
    session: welcome.session as string,
    frames: () => parseFrames(received().subarray(headerEnd)),
  };
}

describe("backpressure", () => {
  it("closes a client that stops reading with 1013, keeping the server's send buffer bounded", async () => {
    const maxBufferedBytes = 256 * 1024;
    const bot = new Bot({ limits: { maxBufferedBytes } });
    // Our own http server, so the test can watch the server side of each TCP connection.
    const server = createServer();
    const serverSockets: Socket[] = [];
    server.on("connection", (socket) => serverSockets.push(socket));
    const handle = serve(bot, { server, heartbeatMs: 0 });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    cleanup.push(async () => {
      await handle.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });
    const disconnects: DisconnectEvent[] = [];
    bot.events.on("disconnect", (e) => disconnects.push(e));
    const client = await rawClient((server.address() as AddressInfo).port);
    cleanup.push(() => client.socket.destroy());
    client.socket.pause(); // never read again: the kernel buffers fill, then the server's

    const chunk = "x".repeat(16 * 1024);
    let sent = 0;
    let peak = 0;
    const held = () => Math.max(0, ...serverSockets.map((s) => s.writableLength));
    // Far more than the limit plus every kernel buffer on the way (8000 × 16 KiB = 125 MiB).
    while (disconnects.length === 0 && sent < 8000) {
      await bot.sendTo({ session: client.session }, chunk);
      sent++;
      peak = Math.max(peak, held());
    }
    expect(disconnects).toHaveLength(1);
    expect(disconnects[0]?.code).toBe(1013);
    expect(disconnects[0]?.reason).toBe("slow reader");
    // Never more than the limit plus the one frame that crossed it (and the close frame).
    expect(peak).toBeGreaterThan(maxBufferedBytes / 2);
    expect(peak).toBeLessThanOrEqual(maxBufferedBytes + chunk.length + 64);
    // After the close the bot keeps sending into the session's bounded outbox only.
    for (let i = 0; i < 200; i++) await bot.sendTo({ session: client.session }, chunk);
    expect(held()).toBeLessThanOrEqual(maxBufferedBytes + chunk.length + 64);
    // The client reads again: it finds the close frame with 1013 after the buffered data.
    client.socket.resume();
    await until(() => client.frames().some((f) => f.opcode === 8), "close frame");
    const close = client.frames().find((f) => f.opcode === 8);
    expect(close?.payload.readUInt16BE(0)).toBe(1013);
  });
});
