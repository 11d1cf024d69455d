/**
 * The errors `BotClient` rejects with or emits. Every one extends {@link BotClientError},
 * so `catch (e) { if (e instanceof BotClientError) … }` covers them all.
 * @module
 */

/** Base class of every error raised by `BotClient`. */
export class BotClientError extends Error {
  /** @param message - what went wrong, in plain words */
  constructor(message: string) {
    super(message);
  }
  // Set explicitly in each class: minifiers rename classes, and `name` is what logs show.
  /** Always `"BotClientError"`. */
  override name = "BotClientError";
}

/** `request()` got no reply within its timeout. The message stays queued until confirmed. */
export class RequestTimeoutError extends BotClientError {
  /** Always `"RequestTimeoutError"`. */
  override name = "RequestTimeoutError";
  /**
   * @param id - the message id that got no reply
   * @param timeoutMs - how long the request waited
   */
  constructor(
    readonly id: string,
    readonly timeoutMs: number,
  ) {
    super(`no reply to message ${id} within ${timeoutMs} ms`);
  }
}

/** The server answered with an `error` frame (`bad_request`, `rate_limited`, `internal`, …). */
export class ServerError extends BotClientError {
  /** Always `"ServerError"`. */
  override name = "ServerError";
  /**
   * @param code - the stable error code from the frame
   * @param message - the server's short, safe explanation
   * @param replyTo - the message id the error concerns, if any
   * @param retryAfterMs - for `rate_limited`: when to try again
   */
  constructor(
    readonly code: string,
    message: string,
    readonly replyTo?: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** `request()`'s message was handled, but the bot sent no reply to it (a `receipt` came). */
export class NoReplyError extends BotClientError {
  /** Always `"NoReplyError"`. */
  override name = "NoReplyError";
  /** @param id - the message id that was handled without a reply */
  constructor(readonly id: string) {
    super(`message ${id} was handled without a reply`);
  }
}

/**
 * The client stopped for good: `close()` was called, the server closed with a fatal code
 * (1008, 4401, 4429), or reconnecting gave up. Pending requests and `connect()` reject with it.
 */
export class ConnectionClosedError extends BotClientError {
  /** Always `"ConnectionClosedError"`. */
  override name = "ConnectionClosedError";
  /**
   * @param code - the WebSocket close code
   * @param reason - the close reason
   * @param fatal - whether the server's close code forbids reconnecting
   */
  constructor(
    readonly code: number,
    readonly reason: string,
    readonly fatal: boolean,
  ) {
    super(`connection closed (${code}${reason ? `: ${reason}` : ""})`);
  }
}

/** `send()` or `request()` while `maxQueue` messages are already waiting for confirmation. */
export class QueueFullError extends BotClientError {
  /** Always `"QueueFullError"`. */
  override name = "QueueFullError";
  /** @param limit - the `maxQueue` option in force */
  constructor(readonly limit: number) {
    super(
      `${limit} messages are waiting to be confirmed (maxQueue); wait for replies or raise maxQueue`,
    );
  }
}

/** The server sent a frame that is not valid protocol v1. The frame is ignored. */
export class ProtocolError extends BotClientError {
  /** Always `"ProtocolError"`. */
  override name = "ProtocolError";
}

/** `cancel()` of a message that was never sent: it was dropped from the queue. */
export class CancelledError extends BotClientError {
  /** Always `"CancelledError"`. */
  override name = "CancelledError";
  /** @param id - the message id that was cancelled */
  constructor(readonly id: string) {
    super(`message ${id} was cancelled before it was sent`);
  }
}
