// Raw `ws` echo server: parses {type,id,text} and answers with a JSON reply, the minimum
// any chat server over plain ws does. Broadcast: one serialisation, a loop over clients.
import { WebSocketServer } from "ws";
import { harness } from "./harness.js";

const counter = { handled: 0 };
const wss = new WebSocketServer({ host: "127.0.0.1", port: 0, perMessageDeflate: false });
wss.on("connection", (socket) => {
  socket.on("error", () => {});
  socket.on("message", (data) => {
    const msg = JSON.parse(data.toString());
    if (msg.type !== "message") return;
    counter.handled++;
    socket.send(JSON.stringify({ type: "message", replyTo: msg.id, text: msg.text }));
  });
});
wss.on("listening", () => {
  harness(
    {
      port: wss.address().port,
      broadcast(text) {
        const frame = JSON.stringify({ type: "message", text });
        for (const client of wss.clients) client.send(frame);
        return wss.clients.size;
      },
    },
    counter,
  );
});
