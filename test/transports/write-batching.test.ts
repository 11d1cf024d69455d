import type { IncomingMessage } from "node:http";
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import type { WebSocket } from "ws";
import { toConnection } from "../../src/transports/ws/socket.js";

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
    const connection = toConnection(fakeSocket(stream), request);
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
    const first = toConnection(fakeSocket(a.stream), request);
    const second = toConnection(fakeSocket(b.stream), request);
    first.send("a1");
    second.send("b1");
    first.send("a2");
    await tick();
    expect(a.calls.map((c) => c.join(""))).toEqual(["<h>a1<h>a2"]);
    expect(b.calls.map((c) => c.join(""))).toEqual(["<h>b1"]);
  });
});
