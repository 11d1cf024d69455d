/**
 * Observability events emitted on `bot.events` (an eventemitter3 emitter).
 * @module
 */
import type { Context } from "./context.js";
import type { BotError } from "./errors.js";

/** Emitted when a connection has been welcomed. */
export interface ConnectEvent {
  /** Connection id. */
  connectionId: string;
  /** Protocol session id. */
  sessionId: string;
  /** Whether an earlier session was resumed. */
  resumed: boolean;
  /** The authenticated user, if any. */
  user: unknown;
}

/** Emitted when a connection has closed. */
export interface DisconnectEvent {
  /** Connection id. */
  connectionId: string;
  /** Protocol session id, if the connection got as far as a welcome. */
  sessionId: string | undefined;
  /** WebSocket close code. */
  code: number;
  /** Close reason. */
  reason: string;
}

/** Emitted when the chain for one client message has finished (successfully or not). */
export interface HandledEvent {
  /** Connection id. */
  connectionId: string;
  /** Protocol session id. */
  sessionId: string;
  /** The client message id, if the client gave one. */
  id: string | undefined;
  /** Whether the chain threw. */
  failed: boolean;
  /** Time from arrival to the end of the chain, in milliseconds. */
  durationMs: number;
}

/** Emitted when a client breaks a rule (bad frame, rate limit, too large). */
export interface ViolationEvent {
  /** Connection id. */
  connectionId: string;
  /** The error code sent to the client. */
  code: string;
  /** The message sent to the client. */
  message: string;
}

/** The events of `bot.events`, with their listener signatures. */
export interface BotEvents<C extends Context = Context> {
  /** The bot started accepting connections. */
  start: () => void;
  /** The bot stopped. */
  stop: () => void;
  /** A connection was welcomed. */
  connect: (event: ConnectEvent) => void;
  /** A connection closed. */
  disconnect: (event: DisconnectEvent) => void;
  /** A message's chain finished. */
  handled: (event: HandledEvent) => void;
  /** Middleware threw (also passed to `bot.catch`). */
  error: (error: BotError<C>) => void;
  /** A client broke a protocol rule or a limit. */
  violation: (event: ViolationEvent) => void;
}
