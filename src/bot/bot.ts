/**
 * Bot: a Composer with a lifecycle. It accepts connections from transports, runs each
 * update through the middleware, and keeps each session's outbox.
 * @module
 */
import { EventEmitter } from "eventemitter3";
import type { NodeCensus } from "../connection/census.js";
import { Hub } from "../connection/hub.js";
import { type Context, type Reply, toOutgoing } from "../core/context.js";
import { BotError } from "../core/errors.js";
import type { BotEvents } from "../core/events.js";
import { type Limits, resolveLimits } from "../core/limits.js";
import { type Logger, resolveLogger } from "../core/logger.js";
import { resolveStreaming } from "../core/streaming.js";
import { isTransport, type Transport } from "../core/transport.js";
import { CloseCode } from "../protocol/codes.js";
import { encodeMessage } from "../protocol/encode.js";
import type { OutgoingMessage } from "../protocol/frames.js";
import { intentSetup, withIntents } from "../router/intent/predicate.js";
import { type BotOptions, checkMs, ledgerOf, resolveDrainMs, type StopOptions } from "./options.js";

export type { BotOptions } from "./options.js";

import type { Broker } from "../storage/broker.js";
import { isSessionLost } from "../storage/errors.js";
import { MemoryStore } from "../storage/memory-store.js";
import { assertStore, type Store } from "../storage/store.js";
import { quietly } from "../util/maybe.js";
import type { MaybePromise } from "../util/types.js";
import { within } from "../util/within.js";
import { Composer } from "./composer.js";
import { logBotError, logViolations } from "./diagnostics.js";
import { timedMiddleware } from "./timed.js";

/** Who `sendTo` addresses: every session of a user, or one session. */
export type Recipient =
  | {
      /** A user id (`ctx.user.id`): every live session of that user. */
      user: string | number;
    }
  | {
      /** A protocol session id (`ctx.sessionId`). */
      session: string;
    };

type LifeState = "stopped" | "running" | "stopping";

/**
 * A chat bot. Register middleware and handlers, then start it on a transport
 * (`serve(bot, …)` from `botwire/ws` does that for you).
 *
 * @example
 * ```ts
 * const bot = new Bot();
 * bot.command("start", (ctx) => ctx.reply("Welcome!"));
 * bot.hears(/hello/i, (ctx) => ctx.reply("Hi there"));
 * bot.on("message", (ctx) => ctx.reply(`You said: ${ctx.text}`));
 * serve(bot, { server, path: "/chat" });
 * ```
 */
export class Bot<C extends Context = Context> extends Composer<C> {
  /** Observability events: `connect`, `disconnect`, `handled`, `error`, `violation`, `start`, `stop`. */
  readonly events = new EventEmitter<BotEvents<C>>();
  /** The resolved protocol limits. */
  readonly limits: Readonly<Limits>;
  /** The logger in use. */
  readonly logger: Logger;
  /** The store given as `options.store` (else a `MemoryStore`), the default of `session()`. */
  readonly store: Store;
  private errorHandler: (error: BotError<C>) => unknown;
  private readonly stopTimeoutMs: number;
  private readonly hub: Hub<C>;
  private readonly transports = new Set<Transport>();
  private state: LifeState = "stopped";
  private stopping: Promise<void> | undefined;

  /** @param options - see {@link BotOptions} */
  constructor(options: BotOptions = {}) {
    super();
    if (typeof options !== "object" || options === null) {
      throw new TypeError("new Bot(options): options must be an object");
    }
    this.limits = resolveLimits(options.limits);
    this.stopTimeoutMs = checkMs(options.stopTimeoutMs, "stopTimeoutMs", 10_000);
    this.logger = resolveLogger(options.logger, "new Bot(options)");
    logViolations(this.events, this.logger);
    if (options.store !== undefined) assertStore(options.store, "new Bot(options): options.store");
    this.store = options.store ?? new MemoryStore();
    if (options.broker !== undefined && this.store.local === true) {
      this.logger.warn?.(
        "new Bot({ broker }): the store is in this process only, so open streamed replies (and sessions) are not shared with other nodes; pass a shared store such as RedisStore",
      );
    }
    const intents = intentSetup(options.recognizer, options.intentThreshold, "new Bot(options)", {
      embeddings: options.embeddings,
      store: this.store,
      onEmbeddingError: (error) =>
        this.logger.warn?.("intent embeddings failed: message recognised by its words", { error }),
    });
    this.errorHandler = (error) => logBotError(this.logger, error);
    if (options.telemetry !== undefined) this.timing = timedMiddleware;
    this.hub = new Hub<C>({
      ledger: ledgerOf(options.ledger, this.store, this.limits),
      broker: options.broker,
      limits: this.limits,
      logger: this.logger,
      events: this.events,
      exposeErrors: options.exposeErrors ?? false,
      turnTimeoutMs: checkMs(options.turnTimeoutMs, "turnTimeoutMs", 120_000),
      streaming: resolveStreaming(options.streaming),
      telemetry: options.telemetry,
      handler: () => withIntents(this.collectIntents(), intents, this.middleware()),
      hooks: () => this.collectHooks(),
      report: (error, ctx) => this.report(error, ctx),
      services: {
        store: this.store,
        sessionTtlMs: this.limits.sessionTtlMs,
        dialog: (name) => this.findDialog(name),
      },
    });
  }

  /** Whether the bot is accepting connections. */
  get running(): boolean {
    return this.state === "running";
  }

  /** How many connections are open across all transports. */
  get connectionCount(): number {
    return this.hub.peers.size;
  }

  /** The broker that links this node to the others (`BotOptions.broker`), if any. */
  get broker(): Broker | undefined {
    return this.hub.config.broker;
  }

  /**
   * What this node holds now: its connections, the sessions they serve (the busiest first,
   * with each one's unacknowledged outbox, buffered bytes, running turns and rooms), for
   * health checks and `botwire/inspect`. Holds no message text; session ids are shortened.
   * @param options - `maxSessions`: how many sessions to detail (default 100)
   */
  census(options: { maxSessions?: number } = {}): Promise<NodeCensus> {
    const max = options.maxSessions ?? 100;
    if (!Number.isInteger(max) || max < 0) {
      throw new TypeError("census({ maxSessions }): maxSessions must be an integer >= 0");
    }
    return this.hub.census(this.running, max);
  }

  /**
   * Sets the handler for errors thrown by middleware. The client always gets an
   * `internal` error frame; this handler is where you log or report the details.
   * @param handler - receives a {@link BotError} with `error` and `ctx`
   */
  catch(handler: (error: BotError<C>) => unknown): this {
    if (typeof handler !== "function") throw new TypeError("catch() needs a function");
    this.errorHandler = handler;
    return this;
  }

  /**
   * Starts accepting connections from `transport`. A bot can run on several transports;
   * starting one that is already running does nothing. A stopped bot can be started again.
   */
  async start(transport: Transport): Promise<void> {
    if (this.state === "stopping") await this.stopping;
    if (this.transports.has(transport)) return;
    if (this.state === "stopped") {
      this.hub.reset();
      this.state = "running";
      this.events.emit("start");
    }
    this.transports.add(transport);
    try {
      await Promise.all([transport.listen(this.hub), this.hub.turns.listen()]); // + other nodes' cancels
    } catch (error) {
      // Not half started: the transport stops serving, and a later start begins afresh.
      this.transports.delete(transport);
      await quietly(() => transport.close(CloseCode.Internal, "server failed to start"));
      if (this.transports.size > 0 || this.state !== "running") throw error;
      this.state = "stopped";
      await quietly(() => this.hub.turns.unlisten());
      this.events.emit("stop");
      throw error;
    }
  }

  /**
   * Stops gracefully: stops accepting connections, closes open ones with 1001, and waits
   * for handlers in flight. With `drainMs`, first drains: new connections are refused, each
   * open one is told to reconnect elsewhere (a `goaway` frame) at a moment of its own within
   * the window, and the bot goes on serving them until they leave or the window ends, then
   * waits (up to `stopTimeoutMs`) for handlers still running, whose replies reach the
   * outbox, before it closes what is left. Idempotent; resolves when fully stopped.
   * @param transport - stop only this transport, if it runs (the bot stops when none is
   *   left; a drain applies when the whole bot stops); or the options: `stop({ drainMs })`
   * @param options - see {@link StopOptions}
   */
  stop(transport?: Transport | StopOptions, options: StopOptions = {}): Promise<void> {
    if (transport !== undefined && !isTransport(transport)) return this.stop(undefined, transport);
    const drainMs = resolveDrainMs(options);
    // A transport this bot does not run (or no longer: a stop is under way) stops nothing.
    if (transport && !this.transports.has(transport)) return this.stopping ?? Promise.resolve();
    if (transport && this.transports.size > 1) {
      this.transports.delete(transport);
      return Promise.resolve(transport.close(CloseCode.GoingAway, "server shutting down"));
    }
    if (this.state === "stopped") return Promise.resolve();
    this.stopping ??= this.shutdown(drainMs).finally(() => {
      this.stopping = undefined;
    });
    return this.stopping;
  }

  private async shutdown(drainMs: number): Promise<void> {
    if (drainMs > 0) {
      for (const transport of this.transports) transport.stopAccepting?.();
      await this.hub.drain.start(drainMs);
      await within(this.hub.idle(), this.stopTimeoutMs);
    }
    this.state = "stopping";
    const transports = [...this.transports];
    this.transports.clear();
    await Promise.allSettled(
      transports.map((t) => t.close(CloseCode.GoingAway, "server shutting down")),
    );
    await this.hub.settle(this.stopTimeoutMs);
    await this.hub.turns.unlisten().catch((error: unknown) => {
      this.logger.warn?.("broker unsubscribe failed", { error });
    });
    this.state = "stopped";
    this.events.emit("stop");
  }

  /**
   * Sends a message to every session of a user, or to one session. A client that is not
   * connected gets it from its outbox when it resumes. Resolves with the number of
   * sessions it was queued for.
   */
  async sendTo(recipient: Recipient, message: Reply): Promise<number> {
    const body = toOutgoing(message);
    const { ledger } = this.hub.config;
    let sessions: string[];
    if ("session" in recipient) {
      sessions = (await ledger.has(recipient.session)) ? [recipient.session] : [];
    } else if ("user" in recipient) {
      sessions = await ledger.sessionsOf(String(recipient.user));
    } else {
      throw new TypeError("sendTo() needs { user } or { session }");
    }
    return this.deliverAll(sessions, body);
  }

  /**
   * Sends a message to every session in a room (see `ctx.join`), on every node. Each
   * member gets it exactly once, in its outbox, so members that are offline get it when
   * they resume. Resolves with the number of sessions it was queued for.
   * @example
   * ```ts
   * bot.command("subscribe", async (ctx) => { await ctx.join("news"); return ctx.reply("ok"); });
   * await bot.broadcast("news", "Version 2 is out!");
   * ```
   */
  async broadcast(room: string, message: Reply): Promise<number> {
    if (typeof room !== "string" || room.length === 0) {
      throw new TypeError("broadcast(room, message): room must be a non-empty string");
    }
    const body = toOutgoing(message);
    return this.deliverAll(await this.hub.config.ledger.members(room), body);
  }

  /** Queues one pushed message (no `replyTo`) for each session; resolves with their count. */
  private async deliverAll(sessions: readonly string[], body: OutgoingMessage): Promise<number> {
    const encode = (seq: number) => encodeMessage(seq, body);
    // A session gone meanwhile (expired, yet still listed in a room) is skipped, not an error;
    // any other failure is reported after the others are queued.
    const results = await Promise.allSettled(
      sessions.map(async (s) => this.hub.deliver(s, encode)),
    );
    const failed = results.find((r) => r.status === "rejected" && !isSessionLost(r.reason));
    if (failed?.status === "rejected") throw failed.reason;
    return results.filter((r) => r.status === "fulfilled").length;
  }

  private async report(error: unknown, ctx: C): Promise<void> {
    const botError = new BotError<C>(error, ctx);
    try {
      this.events.emit("error", botError);
    } catch (secondary) {
      this.logger.error?.('an "error" listener threw', { error: secondary });
    }
    try {
      await (this.errorHandler(botError) as MaybePromise<unknown>);
    } catch (secondary) {
      this.logger.error?.("bot.catch handler threw", { error: secondary });
    }
  }
}
