import { afterEach, describe, expect, it } from "vitest";
import { Bot } from "../../../src/bot/bot.js";
import type { SocketEventLike, WebSocketLike } from "../../../src/transports/web/index.js";
import { WebTransport } from "../../../src/transports/web/index.js";

// admit() + accept(socket) with a scripted WHATWG socket: the mapping itself (what the
// runtime tests cannot provoke on purpose), and upgrade() outside Deno and workerd.

class FakeSocket implements WebSocketLike {
  readyState = 1;
  bufferedAmount = 0;
  sent: string[] = [];
  closes: Array<[number | undefined, string | undefined]> = [];
  private listeners = new Map<string, Array<(event: SocketEventLike) => void>>();
  send(data: string) {
    this.sent.push(data);
  }
  close(code?: number, reason?: string) {
    this.closes.push([code, reason]);
    this.readyState = 2;
  }
  addEventListener(type: string, listener: (event: SocketEventLike) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  emit(type: string, event: SocketEventLike = {}) {
    for (const listener of this.listeners.get(type) ?? []) listener(event);
  }
  frames() {
    return this.sent.map((raw) => JSON.parse(raw) as { type: string; code?: string });
  }
}

const request = (headers: Record<string, string> = {}) =>
  new Request("http://bot.example/chat", { headers: { upgrade: "websocket", ...headers } });

const bots: Bot[] = [];
afterEach(async () => {
  for (const bot of bots.splice(0)) await bot.stop();
});

async function accepted(wire = new WebTransport({ heartbeatMs: 0 })) {
  const bot = new Bot({ limits: { maxBufferedBytes: 1000 } });
  bots.push(bot);
  bot.on("message", (ctx) => ctx.reply(`echo: ${ctx.text ?? ""}`));
  await bot.start(wire);
  const admitted = await wire.admit(request());
  if (!admitted.ok) throw new Error(`refused ${admitted.status}`);
  const socket = new FakeSocket();
  admitted.accept(socket);
  return { bot, wire, socket };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 10));

describe("WebTransport.admit", () => {
  it("refuses with 503 while the bot drains (bot.stop({ drainMs })), keeping open sockets", async () => {
    const { bot, wire, socket } = await accepted();
    const stopped = bot.stop(undefined, { drainMs: 60_000 });
    const during = await wire.admit(request());
    expect(during.ok ? 101 : during.status).toBe(503);
    // As botwire/ws: the client is told when to try again (another node, meanwhile).
    expect(during.ok ? undefined : during.response.headers.get("retry-after")).toBe("5");
    expect(socket.closes).toEqual([]);
    socket.emit("close", { code: 1000, reason: "" });
    await stopped;
  });

  it("refuses with 503 before the bot started, and with the policy's statuses after", async () => {
    const wire = new WebTransport({
      allowedOrigins: ["https://ok.example"],
      maxConnectionsPerIp: 1,
    });
    const early = await wire.admit(request());
    expect(early.ok ? 101 : early.status).toBe(503);
    const bot = new Bot();
    bots.push(bot);
    await bot.start(wire);
    const foreign = await wire.admit(request({ origin: "https://evil.example" }));
    expect(foreign.ok ? 101 : [foreign.status, await foreign.response.text()]).toEqual([
      403,
      "origin not allowed\n",
    ]);
    expect((await wire.admit(request(), "10.0.0.1")).ok).toBe(true);
    const again = await wire.admit(request(), { remoteAddr: { hostname: "10.0.0.1" } });
    expect(again.ok ? 101 : [again.status, again.response.headers.get("retry-after")]).toEqual([
      429,
      "1",
    ]);
  });
});

describe("WebTransport.accept", () => {
  it("feeds text to the bot, answers binary with bad_request and reports bufferedAmount", async () => {
    const { socket } = await accepted();
    socket.emit("message", { data: JSON.stringify({ type: "hello" }) });
    await tick();
    socket.emit("message", { data: new ArrayBuffer(3) });
    await tick();
    expect(socket.frames().map((f) => f.type)).toEqual(["welcome", "error"]);
    expect(socket.frames()[1]?.code).toBe("bad_request");
    // bufferedAmount over the bot's limit: the next write closes it as a slow reader.
    socket.bufferedAmount = 5000;
    socket.emit("message", { data: "hi" });
    await tick();
    expect(socket.closes).toEqual([[1013, "slow reader"]]);
  });

  it("closes with 1009 on a frame over maxPayload, binary ones too", async () => {
    const wire = new WebTransport({ heartbeatMs: 0, maxPayload: 10 });
    const { socket } = await accepted(wire);
    socket.emit("message", { data: "é".repeat(6) }); // 12 bytes of UTF-8
    expect(socket.closes).toEqual([[1009, "message too big"]]);
    expect(wire.connections).toBe(0);
    const other = await accepted(wire);
    other.socket.emit("message", { data: new Uint8Array(11) });
    expect(other.socket.closes).toEqual([[1009, "message too big"]]);
  });

  it("answers the peer's close frame where the runtime leaves that to us (workerd)", async () => {
    const { socket, wire } = await accepted();
    socket.readyState = 2; // workerd: the peer's close frame arrived, ours is not sent
    socket.emit("close", { code: 4000, reason: "bye" });
    expect(socket.closes).toEqual([[4000, ""]]);
    expect(wire.connections).toBe(0);
  });

  it("does not close again a socket the runtime already closed (Deno, ws)", async () => {
    const { socket, wire } = await accepted();
    socket.readyState = 3;
    socket.emit("close", { code: 0, reason: "" }); // Deno's code for a failed connection
    expect(socket.closes).toEqual([]);
    expect(wire.connections).toBe(0);
  });

  it("ends a connection on an error event (workerd sends no close event after it)", async () => {
    const { socket, wire } = await accepted();
    socket.emit("error");
    expect(wire.connections).toBe(0);
  });

  it("clamps the close reason to 123 bytes of UTF-8", async () => {
    const { socket, wire } = await accepted();
    await wire.close(1001, "ü".repeat(100));
    const [code, reason] = socket.closes[0] ?? [];
    expect(code).toBe(1001);
    expect(new TextEncoder().encode(reason ?? "").length).toBeLessThanOrEqual(123);
  });
});

describe("WebTransport.upgrade", () => {
  it("returns undefined for a request that is not an upgrade", async () => {
    expect(new WebTransport().upgrade(new Request("http://bot.example/"))).toBeUndefined();
  });

  it("throws outside Deno and workerd, naming the alternatives", () => {
    expect(() => new WebTransport().upgrade(request())).toThrow(/admit\(\) and accept|hono\(\)/);
  });
});
