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
  /**
   * Stops reading from the connection, so that the server's writes back up. A client that
   * cannot stop reading (a WHATWG WebSocket) leaves it out, and its fixture lists the
   * slow-reader case in {@link TransportFixture.notApplicable} with the reason.
   */
  pause?(): void;
  /** The text frames received so far, in order. */
  readonly received: readonly string[];
  /** Resolves with the close code once the connection closed (from either side). */
  readonly closed: Promise<number>;
  /** Closes the connection from the client side (normal closure). */
  close(): void;
  /**
   * Breaks the connection below the protocol (e.g. writes an invalid WebSocket frame), so
   * that the server's socket reports an error. A client that cannot (in-memory connections)
   * leaves it out, and its fixture lists the broken-connection case in
   * {@link TransportFixture.notApplicable} with the reason.
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

/** The name of one case of the transport conformance suite. */
export type TransportCaseName =
  | "answers hello with a welcome"
  | "takes a frame that is not JSON as a plain text message"
  | "answers a binary frame with bad_request and keeps the connection"
  | "closes a client that stops reading with 1013"
  | "closes a connection that says nothing with 4408"
  | "reports a client's close as a disconnect, to the chain and to events"
  | "contains a connection that breaks: the others go on";

/** How the suite starts the transport under test. */
export interface TransportFixture {
  /**
   * Cases this transport or its test client cannot run, each with the reason: the suite
   * registers them as skipped (through `skip`, the runner's `it.skip`) with the reason in
   * the title, so a report says what was not tested and why. A case that needs `pause` or
   * `break` fails when the socket lacks it and the case is not listed here.
   */
  notApplicable?: Partial<Record<TransportCaseName, string>>;
  /**
   * Starts `bot` on a fresh transport with `settings` (e.g. `serve(bot, { port: 0, … })`, or
   * `bot.start(transport)`); resolves once it accepts connections.
   */
  start(bot: Bot, settings: TransportSettings): MaybePromise<RunningTransport>;
}
