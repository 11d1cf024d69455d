// Raw `ws` echo server: parses {type,id,text} and answers with a JSON reply, the minimum
// any chat server over plain ws does. Broadcast: one serialisation, a loop over clients.
// Streamed replies (`stream …` messages, bench/lib/stream-text.js): the same source read
// with `for await`, sent in botwire's frame format in as many frames as botwire sent.
import { WebSocketServer } from "ws";
import { framedPieces, parseRequest } from "../lib/stream-text.js";
import { harness } from "./harness.js";

const counter = { handled: 0 };
let streams = 0;

/**
 * A streamed reply the plain-ws way, in botwire's frame format: an opening message, the
 * source's text in exactly `frames` delta frames, a final message with the whole text. Like
 * botwire's coalescer, the first token goes out at once; the rest is cut at evenly spread
 * tokens.
 */
async function streamReply(socket, replyTo, { tokens, burst, frames }) {
  const stream = `s${++streams}`;
  socket.send(JSON.stringify({ type: "message", replyTo, stream, text: "" }));
  for await (const piece of framedPieces(tokens, burst, frames)) {
    if (piece.whole !== undefined) {
      socket.send(
        JSON.stringify({ type: "message", replyTo, stream, text: piece.whole, end: "done" }),
      );
    } else socket.send(JSON.stringify({ type: "delta", stream, at: piece.at, text: piece.text }));
  }
}

const wss = new WebSocketServer({ host: "127.0.0.1", port: 0, perMessageDeflate: false });
wss.on("connection", (socket) => {
  socket.on("error", () => {});
  socket.on("message", (data) => {
    const msg = JSON.parse(data.toString());
    if (msg.type !== "message") return;
    counter.handled++;
    const stream = parseRequest(msg.text);
    if (stream !== undefined) return void streamReply(socket, msg.id, stream);
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
