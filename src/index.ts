/**
 * botwire: build chat bots that talk over WebSocket.
 *
 * The core runs anywhere (Node, browsers, Deno, Bun). Attach it to a server with
 * `serve` from `botwire/ws`, test it with `createTestClient` from `botwire/testing`.
 * @module
 */
export { Bot, type BotOptions, type Recipient } from "./bot/bot.js";
export { Composer } from "./bot/composer.js";
export {
  compose,
  flatten,
  type Middleware,
  type MiddlewareFn,
  type MiddlewareObj,
  type NextFunction,
  type Predicate,
} from "./core/compose.js";
export {
  Context,
  type ContextConnection,
  type IntentMatch,
  type Reply,
  type UpdateKind,
} from "./core/context.js";
export {
  BotError,
  ClientError,
  type ClientErrorOptions,
} from "./core/errors.js";
export type {
  BotEvents,
  ConnectEvent,
  DisconnectEvent,
  HandledEvent,
  ViolationEvent,
} from "./core/events.js";
export {
  type Handshake,
  type HandshakeHook,
  HandshakeRejection,
  withHandshake,
} from "./core/handshake.js";
export { DEFAULT_LIMITS, type Limits } from "./core/limits.js";
export type { Logger } from "./core/logger.js";
export type {
  Connection,
  ConnectionInfo,
  ConnectionListener,
  ConnectionOptions,
  Transport,
  TransportHost,
} from "./core/transport.js";
export type { DialogControl, DialogFlavor, DialogOptions, DialogStep } from "./dialog/types.js";
export * from "./middleware/index.js";
// The wire protocol's public surface: codes, frame types and schemas (for writing other
// clients and tools). Parsing and encoding stay internal.
export * from "./protocol/codes.js";
export * from "./protocol/frames.js";
export type { CommandMatch } from "./router/command.js";
export * from "./router/intent/index.js";
export { isCommand, isUpdate, matchesText, type Trigger } from "./router/predicates.js";
export { SessionConflictError, SessionLockTimeoutError } from "./session/errors.js";
export { defaultSessionKey } from "./session/options.js";
export { session } from "./session/session.js";
export type {
  SessionFlavor,
  SessionLockOptions,
  SessionOptions,
  Turn,
} from "./session/types.js";
export { type Broker, type BrokerListener, MemoryBroker } from "./storage/broker.js";
export { SessionLostError } from "./storage/errors.js";
export {
  type Claim,
  isLedgerFactory,
  type Ledger,
  type LedgerFactory,
  type OpenResult,
  type OutboxEntry,
} from "./storage/ledger.js";
export type { LedgerLimits } from "./storage/ledger-limits.js";
export { MemoryLedger } from "./storage/memory-ledger.js";
export { MemoryStore, type MemoryStoreOptions } from "./storage/memory-store.js";
export {
  type AtomicStore,
  type Counter,
  isAtomicStore,
  isSessionStore,
  type SessionStore,
  type Store,
  type Versioned,
} from "./storage/store.js";
export type { MaybePromise } from "./util/types.js";
