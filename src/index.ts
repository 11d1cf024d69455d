/**
 * botwire: build chat bots that talk over WebSocket.
 *
 * This entry holds what a bot author uses. The core runs anywhere (Node, browsers, Deno,
 * Bun, workerd): serve a bot with `serve` from `botwire/ws`, test it with `createTestClient`
 * from `botwire/testing`. Writing middleware, stores, transports or other clients? See
 * `botwire/middleware`, `botwire/storage`, `botwire/transport` and `botwire/protocol`.
 *
 * @example
 * ```ts
 * import { Bot, type Context, session, type SessionFlavor } from "botwire";
 * import { serve } from "botwire/ws";
 *
 * type MyContext = Context & SessionFlavor<{ count: number }>;
 * const bot = new Bot<MyContext>();
 * bot.use(session({ initial: () => ({ count: 0 }) }));
 * bot.command("start", (ctx) => ctx.reply("Welcome!"));
 * bot.on("message", (ctx) => ctx.reply(`Message #${++ctx.session.count}`));
 * serve(bot, { port: 3000 });
 * ```
 * @module botwire
 */
// biome-ignore-all assist/source/organizeImports: the exports are grouped by audience, not sorted

// The bot
export { Bot, type BotOptions, type Recipient } from "./bot/bot.js";
export type { StopOptions } from "./bot/options.js";
export { Composer } from "./bot/composer.js";
export type { BotEvents } from "./core/events.js";
export type { NodeCensus, RoomCensus, SessionCensus } from "./connection/census.js";
export type { Limits } from "./core/limits.js";
export type { Logger } from "./core/logger.js";

// Context and routing
export type { Middleware, MiddlewareFn, MiddlewareObj, NextFunction } from "./core/compose.js";
export { type CommandMatch, Context, type IntentMatch, type Reply } from "./core/context.js";
export type { CommandContext, HearsContext, IntentContext } from "./core/narrowed.js";
export type { ReadableStreamLike, StreamSource } from "./core/stream-source.js";
export type {
  ActivityOptions,
  MessageRef,
  ReplyStreamOptions,
  StreamedMessage,
  StreamingOptions,
} from "./core/streaming.js";
export {
  BotStoppingError,
  TurnCancelledError,
  TurnTimeoutError,
} from "./core/turn-control.js";
export { isIntent } from "./router/intent/predicate.js";
export type { IntentCalibration } from "./router/intent/calibrate.js";
export type { Embeddings, EmbeddingVector } from "./router/intent/embeddings.js";
export {
  IntentRecognizer,
  type IntentRecognizerOptions,
  type LearnedIntent,
  type LearningRecognizer,
} from "./router/intent/recognizer.js";
export { isCommand, isUpdate, matchesText } from "./router/predicates.js";

// Sessions and dialogs
export type { DialogControl, DialogFlavor, DialogOptions, DialogStep } from "./dialog/types.js";
export { session } from "./session/session.js";
export type { SessionFlavor, SessionOptions, Turn } from "./session/types.js";
export { MemoryStore } from "./storage/memory-store.js";

// Middleware
export { type AuthFlavor, type AuthOptions, auth } from "./middleware/auth.js";
export { type CacheOptions, cache } from "./middleware/cache.js";
export { type RateLimitOptions, rateLimit } from "./middleware/rate-limit.js";
export { staticTokens } from "./middleware/static-tokens.js";
export { type ValidateOptions, validate } from "./middleware/validate.js";

// Errors
export { BotError, ClientError } from "./core/errors.js";
export { SessionConflictError, SessionLockTimeoutError } from "./session/errors.js";
