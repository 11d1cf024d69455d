/**
 * `BotClient` options, their defaults and the reconnect backoff.
 * @module
 */
import { isTraceparent } from "../protocol/traceparent.js";
import { resolveWebSocket, type WebSocketConstructor } from "./socket.js";

/** How the client reconnects after a lost connection. */
export interface ReconnectOptions {
  /**
   * Upper bound of the first delay; each attempt doubles it (see `factor`).
   * @default 500
   */
  initialDelayMs?: number;
  /**
   * Largest delay between two attempts.
   * @default 30000
   */
  maxDelayMs?: number;
  /**
   * Growth of the delay bound per failed attempt.
   * @default 2
   */
  factor?: number;
  /**
   * Attempts in a row before giving up (the client then closes for good).
   * @default Infinity
   */
  maxRetries?: number;
}

/** Options of `new BotClient(url, options)`. Every one is optional. */
export interface BotClientOptions {
  /**
   * Sent in `hello.token` for the server's `auth()`. A function is called before every
   * (re)connection, so a refreshed token is used.
   */
  token?: string | (() => string | Promise<string>);
  /**
   * Returns the W3C `traceparent` of the trace the app is in (with OpenTelemetry in the
   * browser: `propagation.inject(context.active(), carrier)` then `carrier.traceparent`).
   * Called for every `hello` and message; what it returns is sent with them, so the server's
   * spans continue the app's trace (`botwire/otel`). `undefined`: nothing is sent.
   */
  traceparent?: () => string | undefined;
  /**
   * Reconnect automatically, with exponential backoff and full jitter. `false` disables it.
   * @default true (with the {@link ReconnectOptions} defaults)
   */
  reconnect?: boolean | ReconnectOptions;
  /**
   * How long `request()` waits for a reply unless told otherwise.
   * @default 30000
   */
  requestTimeoutMs?: number;
  /**
   * The WebSocket constructor to use.
   * @default `globalThis.WebSocket`, else `ws` (Node)
   */
  WebSocket?: WebSocketConstructor;
  /**
   * Most messages waiting to be confirmed (queued offline or sent and not yet answered);
   * beyond it `send()` throws a `QueueFullError`. Kept below the server's default burst
   * limit so a reconnecting client can re-send its whole queue at once.
   * @default 100
   */
  maxQueue?: number;
  /**
   * Largest frame `send()` accepts, in bytes (match the server's `maxPayload`).
   * @default 65536
   */
  maxFrameBytes?: number;
  /**
   * How long one connection attempt may take until the welcome arrives.
   * @default 10000
   */
  connectTimeoutMs?: number;
  /**
   * Acknowledge received messages after this many…
   * @default 32
   */
  ackEvery?: number;
  /**
   * …or this long after the first unacknowledged one, whichever comes first.
   * @default 250
   */
  ackDelayMs?: number;
  /**
   * Resume an earlier session instead of starting one: e.g. after a page reload, with what
   * the page kept of `client.session` and `client.lastSeq`. The server replays what came
   * after `lastSeq` (and the text so far of open streamed replies); an unknown or expired
   * session gives a new one (the `open` event says `resumed: false`).
   */
  resume?: {
    /** A `client.session` of earlier. */
    session: string;
    /** The `client.lastSeq` of then. @default 0 */
    lastSeq?: number;
  };
}

/** Options after defaults were applied. */
export interface ResolvedOptions {
  token: BotClientOptions["token"];
  traceparent: () => string | undefined;
  reconnect: Required<ReconnectOptions> | false;
  requestTimeoutMs: number;
  WebSocket: WebSocketConstructor;
  maxQueue: number;
  maxFrameBytes: number;
  connectTimeoutMs: number;
  ackEvery: number;
  ackDelayMs: number;
  resume: { session: string; lastSeq: number } | undefined;
}

function positive(name: string, value: unknown, fallback: number, allowInfinity = false): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !(value > 0) || (!allowInfinity && !Number.isFinite(value))) {
    throw new RangeError(`BotClient: ${name} must be a positive number, got ${String(value)}`);
  }
  return value;
}

function resolveReconnect(value: BotClientOptions["reconnect"]): ResolvedOptions["reconnect"] {
  if (value === false) return false;
  const r = value === true || value === undefined ? {} : value;
  if (typeof r !== "object" || r === null) {
    throw new TypeError("BotClient: reconnect must be a boolean or an options object");
  }
  const resolved = {
    initialDelayMs: positive("reconnect.initialDelayMs", r.initialDelayMs, 500),
    maxDelayMs: positive("reconnect.maxDelayMs", r.maxDelayMs, 30_000),
    factor: positive("reconnect.factor", r.factor, 2),
    maxRetries: positive("reconnect.maxRetries", r.maxRetries, Number.POSITIVE_INFINITY, true),
  };
  if (resolved.factor < 1) throw new RangeError("BotClient: reconnect.factor must be ≥ 1");
  return resolved;
}

/** Applies defaults and rejects bad values with an error naming the option. */
export function resolveOptions(options: BotClientOptions): ResolvedOptions {
  if (typeof options !== "object" || options === null) {
    throw new TypeError("new BotClient(url, options): options must be an object");
  }
  const { token } = options;
  if (token !== undefined && typeof token !== "string" && typeof token !== "function") {
    throw new TypeError("BotClient: token must be a string or a function returning one");
  }
  const { traceparent } = options;
  if (traceparent !== undefined && typeof traceparent !== "function") {
    throw new TypeError("BotClient: traceparent must be a function");
  }
  return {
    token,
    traceparent: () => {
      if (traceparent === undefined) return undefined;
      try {
        const value = traceparent();
        // Only a well-formed one goes out (the server drops any other).
        return isTraceparent(value) ? value : undefined;
      } catch {
        // The app's tracing failed: the message goes out without a trace, as it would
        // without the option.
        return undefined;
      }
    },
    reconnect: resolveReconnect(options.reconnect),
    requestTimeoutMs: positive("requestTimeoutMs", options.requestTimeoutMs, 30_000),
    WebSocket: resolveWebSocket(options.WebSocket),
    maxQueue: positive("maxQueue", options.maxQueue, 100),
    maxFrameBytes: positive("maxFrameBytes", options.maxFrameBytes, 65_536),
    connectTimeoutMs: positive("connectTimeoutMs", options.connectTimeoutMs, 10_000),
    ackEvery: positive("ackEvery", options.ackEvery, 32),
    ackDelayMs: positive("ackDelayMs", options.ackDelayMs, 250),
    resume: resolveResume(options.resume),
  };
}

function resolveResume(resume: BotClientOptions["resume"]): ResolvedOptions["resume"] {
  if (resume === undefined) return undefined;
  const { session, lastSeq = 0 } = resume ?? {};
  if (typeof session !== "string" || session.length === 0 || session.length > 128) {
    throw new TypeError("BotClient: resume.session must be a session id (1 to 128 characters)");
  }
  if (!Number.isSafeInteger(lastSeq) || lastSeq < 0) {
    throw new RangeError("BotClient: resume.lastSeq must be a non-negative integer");
  }
  return { session, lastSeq };
}

/**
 * The delay before reconnect attempt `attempt` (0-based): exponential backoff with full
 * jitter, i.e. uniform in [0, min(maxDelayMs, initialDelayMs · factor^attempt)], so many
 * clients dropped at once by a restart do not come back in lockstep.
 */
export function backoffDelay(
  reconnect: Required<ReconnectOptions>,
  attempt: number,
  random: () => number = Math.random,
): number {
  const cap = Math.min(
    reconnect.maxDelayMs,
    reconnect.initialDelayMs * reconnect.factor ** attempt,
  );
  return Math.floor(random() * cap);
}

/** The token for the next hello: the option itself, or what its function returns now. */
export async function currentToken(token: BotClientOptions["token"]): Promise<string | undefined> {
  return typeof token === "function" ? await token() : token;
}
