/**
 * The telemetry seam: what the bot reports about its connections, messages and storage
 * calls, to an implementation such as `openTelemetry()` from `botwire/otel`. The core knows
 * only these interfaces (no OpenTelemetry types), and with no `telemetry` option every call
 * site is one `undefined` check: nothing is allocated or called per message.
 * @module
 */
import { isThenable, type MaybePromise } from "../util/types.js";

/**
 * A timed step of a message (a child span): a ledger or store call, the session's lock,
 * load and save, an outbox append, intent recognition. A fixed list, so spans and metrics
 * stay bounded.
 */
export type TelemetryStep =
  | "ledger.claim"
  | "ledger.settle"
  | "ledger.release"
  | "outbox.append"
  | "session.lock"
  | "session.load"
  | "session.save";

/** A step in progress. */
export interface TelemetrySpan {
  /** Ends it; `failed`: whether the call threw or rejected. */
  end(failed?: boolean): void;
}

/** One client message's telemetry, from its arrival until its claim is settled. */
export interface MessageTelemetry {
  /** Starts a timed step of this message (a child span). */
  step(step: TelemetryStep): TelemetrySpan;
  /**
   * Runs the middleware chain inside this message's span, so spans the handlers start
   * (with an OpenTelemetry context manager) become its children. Starts the handler timer.
   */
  run<T>(chain: () => T): T;
  /**
   * The chain ended. `route`: what answered (see `Context.route`); `error`: the error code
   * sent to the client (`internal`, `rate_limited`, …), `cancelled`, or `undefined` when it
   * succeeded. Never the error itself: its message may hold user data.
   */
  answered(route: string | undefined, error: string | undefined): void;
  /** The message's work is over (its claim settled, or it was a duplicate). */
  end(): void;
  /**
   * A middleware registered with `bot.use()` began (`name`: its function's name). Call the
   * returned function once, when it passes on (calls `next`) or ends: an implementation
   * records it (a child span) when that took long enough to matter.
   */
  middleware?(name: string): () => void;
  /** The W3C `traceparent` of this message's span, to carry to other nodes. */
  traceparent(): string | undefined;
  /** A streamed reply to this message opened (time to first delta counts from the arrival). */
  stream(): StreamTelemetry;
}

/** One connection's telemetry, from the transport's accept to its close. */
export interface ConnectionTelemetry {
  /** The handshake began; `traceparent`: from the client's `hello`, when it sent one. */
  hello(traceparent: string | undefined): void;
  /** The connection was welcomed: a new session, or a resume (`gap`: messages were lost). */
  welcomed(resumed: boolean, gap: boolean): void;
  /** The connection closed with `code`. */
  closed(code: number): void;
}

/** A streamed reply's telemetry. */
export interface StreamTelemetry {
  /** Text was sent to the client (a delta frame). */
  delta(): void;
  /** The stream ended (`done`, `cancelled`, `failed`, `interrupted`). */
  end(how: string): void;
}

/** What the bot can tell a telemetry implementation about its current state (gauges). */
export interface TelemetryState {
  /**
   * Messages this node sent to its live connections that they have not acknowledged yet,
   * and the bytes waiting in their sockets' send buffers.
   */
  backlog(): {
    /** Messages sent to live connections and not acknowledged yet. */
    messages: number;
    /** Bytes waiting in the connections' send buffers. */
    bytes: number;
  };
}

/** How the bot is set up, for telemetry's resource-like attributes. */
export interface TelemetrySetup {
  /** `memory`, `redis` or `custom`: which ledger (protocol state store) the bot uses. */
  readonly ledger: string;
  /** Whether a broker connects this node to others. */
  readonly broker: boolean;
}

/**
 * A telemetry implementation: `openTelemetry()` from `botwire/otel`, or your own (every
 * method is called synchronously on the hot path: keep them cheap and never throw).
 */
export interface Telemetry {
  /** Called once when the bot is made, with a view of its state for gauges. */
  attach(state: TelemetryState, setup: TelemetrySetup): void;
  /** A transport accepted a connection. */
  connection(id: string): ConnectionTelemetry;
  /**
   * A client message arrived and is about to be handled. `arrived`: epoch ms (the span's
   * start); `traceparent`: from the frame, else the connection's; `connection`: its telemetry.
   */
  message(
    connection: ConnectionTelemetry | undefined,
    traceparent: string | undefined,
    arrived: number,
  ): MessageTelemetry;
  /** A bot message was appended to an outbox: a reply (`replyTo` set) or a push. */
  sent(reply: boolean): void;
  /** A frame was refused: `code` (`rate_limited`, `bad_request`, `too_large`); `scope` of the limit. */
  refused(code: string, scope: "connection" | "bot"): void;
  /**
   * An outbox entry another node appended reached this node's live connections of its
   * session through the broker; `traceparent`: of the message whose handling appended it.
   */
  remote(kind: "entry", traceparent: string | undefined): void;
}

/** Ends `span` once `result` settles; returns `result` unchanged. */
export function endWhen<T>(span: TelemetrySpan, result: MaybePromise<T>): MaybePromise<T> {
  if (!isThenable(result)) {
    span.end();
    return result;
  }
  return result.then(
    (value) => {
      span.end();
      return value;
    },
    (error: unknown) => {
      span.end(true);
      throw error;
    },
  );
}
