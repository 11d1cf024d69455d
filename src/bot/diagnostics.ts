/**
 * What a bot logs by itself: failing handlers (the default of `bot.catch`) and clients that
 * break protocol rules. Never a token or the text of a message.
 * @module
 */
import type { EventEmitter } from "eventemitter3";
import type { Context } from "../core/context.js";
import type { BotError } from "../core/errors.js";
import type { BotEvents } from "../core/events.js";
import type { Logger } from "../core/logger.js";

/**
 * The default `bot.catch` handler: logs the thrown error (with its stack) and where it
 * happened — the update kind, the connection, the session and the client's message id.
 */
export function logBotError<C extends Context>(logger: Logger, error: BotError<C>): void {
  const { ctx } = error;
  logger.error?.(error.message, {
    error: error.error,
    update: ctx.update,
    connectionId: ctx.connection.id,
    sessionId: ctx.sessionId,
    messageId: ctx.message?.id,
  });
}

/**
 * Logs each protocol violation (a bad frame, a refused message) at `debug`: what the client
 * got told, never what it sent. Listens only when the logger has a `debug` level.
 */
export function logViolations<C extends Context>(
  events: EventEmitter<BotEvents<C>>,
  logger: Logger,
): void {
  const debug = logger.debug;
  if (debug === undefined) return;
  events.on("violation", (violation) => {
    debug(`a client broke a protocol rule (${violation.code}: ${violation.message})`, {
      connectionId: violation.connectionId,
      code: violation.code,
    });
  });
}
