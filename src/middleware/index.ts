/**
 * For writing middleware and plugins: the middleware engine, handshake hooks, the events of
 * `bot.events`, and the detail types and defaults behind the root API. A bot needs only
 * `botwire`; the built-in middleware factories (`auth`, `cache`, …) are exported there.
 *
 * @example
 * ```ts
 * import { ClientError, type Context, type MiddlewareFn } from "botwire";
 * import { HandshakeRejection, withHandshake } from "botwire/middleware";
 *
 * // A plugin that admits only connections from one network, once per connection (at the
 * // handshake), and refuses messages over a length limit.
 * export function gate(options: { prefix: string; maxLength: number }): MiddlewareFn<Context> {
 *   const mw: MiddlewareFn<Context> = (ctx, next) => {
 *     if ((ctx.text?.length ?? 0) > options.maxLength) throw new ClientError("too_large", "too long");
 *     return next();
 *   };
 *   return withHandshake(mw, ({ info }) => {
 *     if (!info.remoteAddress?.startsWith(options.prefix)) {
 *       throw new HandshakeRejection("unauthorized", 4401, "not from this network");
 *     }
 *   });
 * }
 * ```
 * @module botwire/middleware
 */
// biome-ignore-all assist/source/organizeImports: the exports are grouped by topic, not sorted

// The middleware engine
export { compose, flatten, type Predicate } from "../core/compose.js";
export type { ContextConnection, UpdateKind } from "../core/context.js";
export type { Trigger } from "../router/predicates.js";
export type { MaybePromise } from "../util/types.js";

// Handshake hooks: work done once per connection, before the welcome
export {
  type Handshake,
  type HandshakeHook,
  HandshakeRejection,
  withHandshake,
} from "../core/handshake.js";

// Events of `bot.events`
export type {
  ConnectEvent,
  DisconnectEvent,
  HandledEvent,
  ViolationEvent,
} from "../core/events.js";

// Telemetry: what the bot reports, for your own implementation (`botwire/otel` is one)
export type {
  ConnectionTelemetry,
  MessageTelemetry,
  StreamTelemetry,
  Telemetry,
  TelemetrySetup,
  TelemetrySpan,
  TelemetryState,
  TelemetryStep,
} from "../core/telemetry.js";

// Defaults
export { DEFAULT_LIMITS } from "../core/limits.js";
export { DEFAULT_INTENT_THRESHOLD } from "../router/intent/recognizer.js";
export { defaultSessionKey } from "../session/options.js";

// Detail types of the root API
export type { ClientErrorOptions } from "../core/errors.js";
export type { RecognizerFn } from "../router/intent/predicate.js";
export type { SessionLockOptions } from "../session/types.js";
export type { VerifyFn } from "./auth.js";
export type { CacheMiddleware, CacheStats } from "./cache.js";
export type { RateLimitKey } from "./rate-limit.js";
export type { AnySchema, ValidateMiddleware, ValidateTarget } from "./validate.js";
