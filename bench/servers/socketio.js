// Socket.IO v4 echo server, websocket transport only (no long-polling upgrade dance).
import { createServer } from "node:http";
import { Server } from "socket.io";
import { harness } from "./harness.js";

const counter = { handled: 0 };
const http = createServer();
const io = new Server(http, { transports: ["websocket"], serveClient: false });
io.on("connection", (socket) => {
  socket.on("message", (msg) => {
    counter.handled++;
    socket.emit("message", { type: "message", replyTo: msg.id, text: msg.text });
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
    },
    counter,
  );
});
