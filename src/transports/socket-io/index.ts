/**
 * `botwire/socket.io`: mount a bot on an existing Socket.IO server or namespace, and let
 * socket.io-client apps (and `BotClient`, through {@link socketIoWebSocket}) talk to it.
 * `socket.io` is an optional peer dependency: nothing of it is imported, you pass your server.
 *
 * **The event contract** (for clients that do not use the adapter): connect to the bot's
 * namespace; send each protocol frame (a JSON string such as `{"type":"hello"}`, or plain
 * text) as `socket.emit("botwire", frame)`; receive the bot's frames from
 * `socket.on("botwire", (frame) => …)`. A non-string argument is answered like a binary
 * frame (`bad_request`). Whoever closes emits `"botwire:close"` with `{ code, reason }`
 * (WebSocket close codes, e.g. 4401 unauthorized, 4408 no hello, 1001 bot stopped) and
 * then disconnects the namespace; a client that stopped reading is dropped with its whole
 * connection (1013) without that event.
 *
 * **Authentication**: a Socket.IO middleware that sets `socket.data.user` makes it
 * `ctx.user` (and `auth()` lets it in); or the client's `io(url, { auth: { token } })`
 * reaches `auth()` as the `Authorization: Bearer` header would.
 *
 * **Close codes** the bot reports for Socket.IO's disconnect reasons (when the client sent
 * no close event): see {@link SERVER_REASON_CODES}; those a client sees without the bot's
 * close event: {@link CLIENT_REASON_CODES}.
 *
 * @example
 * ```ts
 * import { createServer } from "node:http";
 * import { Server } from "socket.io";
 * import { Bot } from "botwire";
 * import { attachToSocketIO } from "botwire/socket.io";
 *
 * const bot = new Bot();
 * bot.on("message", (ctx) => ctx.reply(`echo: ${ctx.text}`));
 *
 * const httpServer = createServer();
 * const io = new Server(httpServer, { cors: { origin: "https://example.com" } });
 * io.of("/bot").use((socket, next) => {
 *   socket.data.user = sessionUser(socket.handshake.headers.cookie); // becomes ctx.user
 *   next();
 * });
 * const handle = attachToSocketIO(bot, io.of("/bot"));
 * httpServer.listen(3000);
 *
 * // In the browser, with socket.io-client:
 * const socket = io("http://localhost:3000/bot");
 * socket.on("botwire", (frame) => console.log(JSON.parse(frame)));
 * socket.emit("botwire", JSON.stringify({ type: "hello" }));
 * socket.emit("botwire", JSON.stringify({ type: "message", id: "m1", text: "hi" }));
 * ```
 * @module botwire/socket.io
 */
export type {
  ProxyHeader,
  Rate,
  TrustProxy,
} from "../policy/index.js";
export { attachToSocketIO, type SocketIoHandle } from "./attach.js";
export {
  type AdapterCloseEvent,
  type ClientManagerLike,
  type ClientSocketFactory,
  type ClientSocketLike,
  type SocketIoWebSocket,
  type SocketIoWebSocketConstructor,
  type SocketIoWebSocketOptions,
  socketIoWebSocket,
} from "./client-adapter.js";
export {
  CLIENT_REASON_CODES,
  type CloseInfo,
  closeEventOf,
  DEFAULT_EVENT,
  SERVER_REASON_CODES,
  type SocketIoListener,
} from "./contract.js";
export type { SocketIoOptions } from "./options.js";
export type {
  EngineConnectionLike,
  HandshakeLike,
  NamespaceLike,
  ServerLike,
  SocketIoSocketLike,
} from "./server-types.js";
