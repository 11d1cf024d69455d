// BotClient over socket.io-client, talking to examples/socket.io/server.js.
// Run: node examples/socket.io/client.js [http://127.0.0.1:3000] [your name]
import { BotClient } from "botwire/client";
import { socketIoWebSocket } from "botwire/socket.io";
import { io } from "socket.io-client";

const base = new URL(process.argv[2] ?? "http://127.0.0.1:3000");
const name = process.argv[3] ?? "Ada";
// BotClient takes a ws:// URL; the adapter hands it to io(), whose path names the namespace.
const url = `${base.protocol === "https:" ? "wss" : "ws"}://${base.host}/bot`;
const WebSocket = socketIoWebSocket((u) => io(u, { transports: ["websocket"], auth: { name } }));

const client = new BotClient(url, { WebSocket });
await client.connect();
for (const text of ["/start", "/shout hello", "how are you?"]) {
  const reply = await client.request(text);
  console.log(`> ${text}\n${reply.text}`);
}
await client.close();
