/**
 * The events of a `BotClient`, their payloads, and the client's lifecycle states.
 * @module
 */
import type { BotMessage } from "./frames.js";

/** Where the client is in its lifecycle. */
export type ClientState = "idle" | "connecting" | "open" | "reconnecting" | "closed";

/** Payload of the `open` event. */
export interface OpenEvent {
  /** The protocol session id. */
  session: string;
  /** Whether the earlier session was resumed (false on the first connection). */
  resumed: boolean;
  /** True when bot messages were lost for good: the server's outbox no longer had them, or the session expired. */
  gap: boolean;
}

/** Payload of the `close` event. */
export interface CloseEvent {
  /** The WebSocket close code. */
  code: number;
  /** The close reason. */
  reason: string;
  /** Whether the client will try to reconnect. */
  willReconnect: boolean;
}

/** Payload of the `reconnecting` event. */
export interface ReconnectingEvent {
  /** 1 for the first retry after a lost connection, then 2, 3, … */
  attempt: number;
  /** How long the client waits before this attempt. */
  delayMs: number;
}

/** The events of a `BotClient` and their listener signatures. */
export interface BotClientEvents {
  /** A connection was welcomed (first connect and every successful reconnect). */
  open: (event: OpenEvent) => void;
  /** A bot message arrived (each `seq` once, in order). */
  message: (message: BotMessage) => void;
  /**
   * The server is done with a message this client sent (a reply, a receipt or an error
   * frame about it arrived); it will not be re-sent. Useful for "delivered" ticks.
   */
  confirmed: (id: string) => void;
  /** An open connection closed, or the client stopped for good. */
  close: (event: CloseEvent) => void;
  /** A reconnect attempt is scheduled. */
  reconnecting: (event: ReconnectingEvent) => void;
  /** A server `error` frame no request was waiting for, or a malformed server frame. */
  error: (error: Error) => void;
}

/** Options of `BotClient.request`. */
export interface RequestOptions {
  /** How long to wait for the reply. @default the client's `requestTimeoutMs` (30000) */
  timeoutMs?: number;
}
