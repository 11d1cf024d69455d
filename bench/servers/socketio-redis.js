// Socket.IO v4 on two nodes (the "redis" shape's comparison): the websocket transport and
// @socket.io/redis-adapter on one Redis. Each message is answered with a room broadcast to
// the sender's own room (`io.to(socket.id).emit`), which the adapter publishes through Redis
// for the other node — as botwire publishes each reply on the session's broker channel for
// the session's tabs on other nodes. Socket.IO keeps no session state, outbox or dedup.
import { createServer } from "node:http";
import { createAdapter } from "@socket.io/redis-adapter";
import { Redis } from "ioredis";
import { Server } from "socket.io";
import { harness } from "./harness.js";

const pub = new Redis({ host: "127.0.0.1", port: 6379 });
const sub = pub.duplicate();
// Commands this process sends to Redis (round trips), counted as for botwire.
const sent = { count: 0 };
for (const client of [pub, sub]) {
  const send = client.sendCommand.bind(client);
  client.sendCommand = (...args) => {
    sent.count++;
    return send(...args);
  };
}

const counter = { handled: 0 };
const http = createServer();
const io = new Server(http, { transports: ["websocket"], serveClient: false });
io.adapter(createAdapter(pub, sub, { key: `bench:${process.env.BENCH_IO_KEY ?? "io"}` }));
io.on("connection", (socket) => {
  socket.on("message", (msg) => {
    counter.handled++;
    io.to(socket.id).emit("message", { type: "message", replyTo: msg.id, text: msg.text });
  });
});
http.listen(0, "127.0.0.1", () => {
  harness(
    {
      port: http.address().port,
      broadcast(text) {
        io.emit("message", { type: "message", text });
        return io.engine.clientsCount;
      },
      redisCommands: () => sent.count,
    },
    counter,
  );
});
