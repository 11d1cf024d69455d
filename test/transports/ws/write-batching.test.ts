import type { IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import type { WebSocket } from "ws";
import { Bot } from "../../../src/index.js";
import { serve } from "../../../src/transports/ws/index.js";
import { toConnection } from "../../../src/transports/ws/socket.js";
import { cleanupAfterEach } from "../../helpers/servers.js";
import { RawClient } from "../../helpers/ws-client.js";

const cleanups = cleanupAfterEach();

/** A TCP stand-in that records each system-call-sized write it gets. */
function tcp() {
  const calls: string[][] = [];
  const stream = new Writable({
    writev(chunks, done) {
      calls.push(chunks.map((c) => String(c.chunk)));
      done();
    },
    write(chunk, _encoding, done) {
      calls.push([String(chunk)]);
      done();
    },
  });
  return { stream, calls };
}

/** Enough of a `ws` WebSocket: `send` frames a message as header + payload, corked, as ws does. */
function fakeSocket(stream: Writable): WebSocket {
  return {
    OPEN: 1,
    CONNECTING: 0,
    readyState: 1,
    _socket: stream,
    bufferedAmount: 0,
    send(data: string) {
      stream.cork();
      stream.write("<h>");
      stream.write(data);
      stream.uncork();
    },
  } as unknown as WebSocket;
}

const request = { headers: {}, socket: { remoteAddress: "127.0.0.1" } } as IncomingMessage;
const tick = () => new Promise((resolve) => process.nextTick(resolve));

describe("ws transport write batching", () => {
  it("sends everything written in one tick with one writev", async () => {
    const { stream, calls } = tcp();
    const connection = toConnection(fakeSocket(stream), request, undefined);
    for (let i = 0; i < 5; i++) connection.send(`frame ${i}`);
    expect(calls).toEqual([]); // held until the tick ends
    await tick();
    expect(calls).toHaveLength(1);
    expect(calls[0]?.join("")).toBe("<h>frame 0<h>frame 1<h>frame 2<h>frame 3<h>frame 4");
    // The next tick starts a new batch: nothing stays corked.
    connection.send("later");
    await tick();
    expect(calls).toHaveLength(2);
    expect(stream.writableCorked).toBe(0);
  });

  it("batches per socket, and flushes every socket of the tick", async () => {
    const a = tcp();
    const b = tcp();
    const first = toConnection(fakeSocket(a.stream), request, undefined);
    const second = toConnection(fakeSocket(b.stream), request, undefined);
    first.send("a1");
    second.send("b1");
    first.send("a2");
    await tick();
    expect(a.calls.map((c) => c.join(""))).toEqual(["<h>a1<h>a2"]);
    expect(b.calls.map((c) => c.join(""))).toEqual(["<h>b1"]);
  });

  it("does not hold back more than 64 KiB: a burst goes out before the tick ends", async () => {
    const { stream, calls } = tcp();
    const connection = toConnection(fakeSocket(stream), request, undefined);
    const big = "x".repeat(40 * 1024);
    connection.send(big);
    expect(calls).toEqual([]);
    connection.send(big); // past the cap: flushed at once
    expect(calls).toHaveLength(1);
    connection.send("small"); // a new batch starts
    expect(calls).toHaveLength(1);
    await tick();
    expect(calls).toHaveLength(2);
    expect(stream.writableCorked).toBe(0);
  });

  it("a large burst to a reading client is not mistaken for a slow reader", async () => {
    const bot = new Bot();
    const chunk = "y".repeat(1024 * 1024);
    // 5 MiB in one tick (each await of a reply the in-memory ledger took is a microtask),
    // more than maxBufferedBytes (4 MiB): batching must not make it look unread.
    bot.on("message", async (ctx) => {
      for (let i = 0; i < 5; i++) await ctx.send(chunk);
      return ctx.reply("done");
    });
    const handle = serve(bot, { port: 0, host: "127.0.0.1" });
    await handle.ready;
    cleanups.push(() => handle.close());
    const client = new RawClient(`ws://127.0.0.1:${(handle.address() as AddressInfo).port}`);
    cleanups.push(() => client.close());
    await client.opened;
    client.send({ type: "hello" });
    client.send({ type: "message", id: "m1", text: "go" });
    await client.next("message", { text: "done" }, 0);
    expect(client.frames.filter((f) => f.type === "message")).toHaveLength(6);
    expect(client.closed).toBeUndefined();
  });
});
