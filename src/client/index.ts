/**
 * `botwire/client`: a resilient client for botwire servers, in Node and in browsers.
 *
 * It reconnects with exponential backoff and full jitter, resumes its session so no bot
 * message is lost or seen twice, and keeps each message it sends until the server confirms
 * it, re-sending after a reconnect (the server handles an id once). In browsers it uses the
 * native WebSocket (as in Deno, Bun, workerd and Node ≥ 22); in Node 20 it uses `ws`, which
 * only Node's build of this entry point loads (the `node` export condition).
 *
 * @example
 * ```ts
 * import { BotClient } from "botwire/client";
 *
 * const client = new BotClient("ws://localhost:3000/chat");
 * client.on("message", (m) => console.log("bot:", m.text));
 * client.on("reconnecting", ({ attempt, delayMs }) => console.log("retry", attempt, delayMs));
 * await client.connect();
 * const reply = await client.request("/start");
 *
 * // A streamed reply (e.g. from a language model): the growing text, then the final message.
 * const answer = client.stream("explain WebSockets");
 * for await (const text of answer) render(text);
 * ```
 * @module botwire/client
 */

export type { StreamEnd } from "../protocol/frames.js";
export { BotClient } from "./client.js";
export {
  BotClientError,
  CancelledError,
  ConnectionClosedError,
  NoReplyError,
  ProtocolError,
  QueueFullError,
  RequestTimeoutError,
  ServerError,
} from "./errors.js";
export type {
  BotClientEvents,
  ClientState,
  CloseEvent,
  DeltaEvent,
  GoawayEvent,
  OpenEvent,
  ReconnectingEvent,
  ReplyStream,
  RequestOptions,
  StreamEvent,
} from "./events.js";
export type { ActivityEvent, BotMessage, EditEvent, RetractEvent } from "./frames.js";
export type { BotClientOptions, ReconnectOptions } from "./options.js";
export type { WebSocketConstructor, WebSocketLike } from "./socket.js";
