/**
 * What a transport's test fixture gives the transport conformance suite: a way to start a
 * bot on the transport and to open client connections to it.
 * @module
 */
import type { Bot } from "../bot/bot.js";
import type { MaybePromise } from "../util/types.js";

/** A client connection opened by a {@link TransportFixture}, as the suite drives it. */
export interface SuiteSocket {
  /** Sends a text frame. */
  send(frame: string): void;
  /** Sends a binary frame (any bytes). */
  sendBinary(): void;
  /** Stops reading from the connection, so that the server's writes back up. */
  pause(): void;
  /** The text frames received so far, in order. */
  readonly received: readonly string[];
  /** Resolves with the close code once the connection closed (from either side). */
  readonly closed: Promise<number>;
  /** Closes the connection from the client side (normal closure). */
  close(): void;
  /**
   * Optional: breaks the connection below the protocol (e.g. writes an invalid WebSocket
   * frame), so that the server's socket reports an error. The case that needs it is
   * skipped for a transport without sockets that can fail.
   */
  break?(): void;
}

/** A transport started for one test. */
export interface RunningTransport {
  /** Opens a client connection; resolves once it is open (before any protocol frame). */
  connect(): Promise<SuiteSocket>;
  /** Stops the transport and the bot. */
  close(): MaybePromise<void>;
}

/** Settings a fixture must apply to the transport it starts. */
export interface TransportSettings {
  /** Close connections silent for this long with 4408. */
  helloTimeoutMs: number;
}

/** How the suite starts the transport under test. */
export interface TransportFixture {
  /**
   * Starts `bot` on a fresh transport with `settings` (e.g. `serve(bot, { port: 0, … })`, or
   * `bot.start(transport)`); resolves once it accepts connections.
   */
  start(bot: Bot, settings: TransportSettings): MaybePromise<RunningTransport>;
}
