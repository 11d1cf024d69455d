/**
 * The seam between one connection's driver (`Peer`) and what all connections share (`Hub`).
 * A peer sees its hub only through {@link PeerHost}, and the hub sees a peer only through
 * {@link LivePeer}, so neither file imports the other's class. Internal.
 * @module
 */
import type { EventEmitter } from "eventemitter3";
import type { MiddlewareFn } from "../core/compose.js";
import type { Context, ContextServices } from "../core/context.js";
import type { BotEvents } from "../core/events.js";
import type { HandshakeHook } from "../core/handshake.js";
import type { Limits } from "../core/limits.js";
import type { Logger } from "../core/logger.js";
import type { ResolvedStreaming } from "../core/streaming.js";
import type { MessageTelemetry, Telemetry } from "../core/telemetry.js";
import type { Broker } from "../storage/broker.js";
import type { Ledger } from "../storage/ledger.js";
import type { MaybePromise } from "../util/types.js";
import type { Fanout } from "./fanout.js";
import type { Outlet } from "./outlet.js";
import type { Streams } from "./streams.js";
import type { Turns } from "./turns.js";

/** Everything a connection needs from its bot, resolved once when the bot is made. */
export interface HostConfig<C extends Context> {
  ledger: Ledger;
  /** Carries outbox entries to other nodes; `undefined` for a single node. */
  broker: Broker | undefined;
  limits: Limits;
  logger: Logger;
  events: EventEmitter<BotEvents<C>>;
  exposeErrors: boolean;
  /** How long one update may run before the bot gives up on it (`BotOptions.turnTimeoutMs`). */
  turnTimeoutMs: number;
  /** Builds the composed middleware (once per start). */
  handler: () => MiddlewareFn<C>;
  /** Collects the handshake hooks of the whole middleware tree (once per start). */
  hooks: () => HandshakeHook[];
  /** Reports an error thrown by middleware to `bot.catch` and `bot.events`. */
  report: (error: unknown, ctx: C) => Promise<void>;
  /** The bot's store and dialog registry, handed to every context. */
  services: ContextServices;
  /** How replies are streamed and activity shown (`BotOptions.streaming`). */
  streaming: ResolvedStreaming;
  /** Where traces and metrics go (`BotOptions.telemetry`); `undefined`: nowhere, at no cost. */
  telemetry: Telemetry | undefined;
}

/** A connection as the hub sees it: something to push outbox entries to and to wait for. */
export interface LivePeer {
  /** What is written to the connection: outbox entries, deltas, activities. */
  readonly outlet: Outlet;
  /** Whether tasks are queued or running. */
  readonly busy: boolean;
  /** The protocol session, once welcomed. */
  readonly session: string | undefined;
  /** The authenticated user, once the handshake ran. */
  readonly user: unknown;
  /** Resolves once every task queued so far has run. */
  drained(): Promise<void>;
  /** Adds what the connection has not acknowledged, and its socket not written, to `into`. */
  outstanding(into: { messages: number; bytes: number }): void;
}

/** What a connection's driver needs from the hub that owns it. */
export interface PeerHost<C extends Context> {
  readonly config: HostConfig<C>;
  /** The composed middleware. */
  readonly handler: MiddlewareFn<C>;
  /** The handshake hooks of the whole middleware tree. */
  readonly hooks: readonly HandshakeHook[];
  /**
   * Appends a bot message to a session's outbox and pushes it to the session's live peers
   * (here and on other nodes). `replyTo`: the id of the message it answers, if any.
   */
  deliver(
    session: string,
    encode: (seq: number) => string,
    replyTo?: string,
    trace?: MessageTelemetry,
  ): MaybePromise<number>;
  /** Registers a peer as live for a session; resolves once it will get every later entry. */
  attach(session: string, peer: LivePeer): Promise<void>;
  /** Removes a peer from a session's live set. */
  detach(session: string, peer: LivePeer): void;
  /** Emits on `bot.events`, isolating the caller from a listener that throws. */
  emit<K extends keyof BotEvents<C>>(event: K, ...args: Parameters<BotEvents<C>[K]>): void;
  /** Tracks a promise so a stopping bot waits for it. */
  track<T>(promise: Promise<T>): Promise<T>;
  /** A peer closed; it may still have queued work. */
  forget(peer: LivePeer): void;
  /** A closed peer finished its last task. */
  drained(peer: LivePeer): void;
  /** Takes one message from an address's budget (shared by its connections): 0, or ms to wait. */
  takeFromAddress(address: string): number;
  /** The turns running asynchronously now, for cancels and a stopping bot. */
  readonly turns: Turns;
  /** The open streams (with a broker, shared with other nodes through the store). */
  readonly streams: Streams;
  /** Pushes outbox entries, deltas and activities to the live peers of sessions. */
  readonly fanout: Fanout;
  /** The bot's streaming options. */
  readonly streaming: ResolvedStreaming;
}
