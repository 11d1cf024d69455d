/**
 * Context: everything a handler needs about one update, and the ways to answer it.
 * @module
 */

import { encodeEdit, encodeRetract } from "../protocol/encode.js";
import type { MessageFrame, OutgoingMessage } from "../protocol/frames.js";
import { fulfilled } from "../util/maybe.js";
import { isThenable, type MaybePromise } from "../util/types.js";
import type { ContextInit, ContextServices, ContextSink, SessionBinding } from "./context-init.js";
import { installSessionAccessors, unbound } from "./context-session.js";
import type { ContextConnection, UpdateKind } from "./context-types.js";
import type { CommandMatch, IntentMatch } from "./matches.js";
import { checkRoom, type Reply, toOutgoing } from "./outgoing.js";
import type { StreamSource } from "./stream-source.js";
import {
  type ActivityOptions,
  type MessageRef,
  type ReplyStreamOptions,
  type StreamedMessage,
  seqOf,
} from "./streaming.js";
import type { MessageTelemetry } from "./telemetry.js";
import { TurnControl } from "./turn-control.js";

export type {
  ContextInit,
  ContextServices,
  ContextSink,
  DialogDefinition,
  SessionBinding,
} from "./context-init.js";
export type { ContextConnection, UpdateKind } from "./context-types.js";
export type { CommandMatch, IntentMatch } from "./matches.js";
export { type Reply, toOutgoing } from "./outgoing.js";

/**
 * The context of one update. Extend it with flavors (`SessionFlavor<S>`, …) and use the
 * result as the bot's type parameter: `new Bot<Context & SessionFlavor<S>>()`.
 */
export class Context {
  /** The kind of update: `"message"`, `"connect"` or `"disconnect"`. */
  readonly update: UpdateKind;
  /** The connection this update came through. */
  readonly connection: ContextConnection;
  /** The protocol session id (stable across reconnects of one client). */
  readonly sessionId: string;
  /** The validated message frame; `undefined` for connect/disconnect updates. */
  readonly message: MessageFrame | undefined;
  /** The authenticated user (set by `auth()`), or `undefined`. */
  user: unknown;
  /** True when this connection resumed an earlier session. */
  readonly resumed: boolean;
  /**
   * When the update arrived (epoch ms). Limits judge this, not when the handler runs: a
   * message that waited behind a slow one still counts in the window it arrived in.
   */
  readonly receivedAt: number;
  /** A per-update bag for middleware to pass values down the chain. */
  state: Record<string, unknown> = {};
  /** Set by `command()`: the parsed command. */
  command: CommandMatch | undefined;
  /** Set by `hears()`: the match of the text against the trigger. */
  match: RegExpExecArray | undefined;
  /** Set by `intent()`: the recognised intent. */
  intent: IntentMatch | undefined;
  /** @internal What answered (`command:start`, `intent:hours`, `dialog:signup#1`), for telemetry. */
  route: string | undefined;
  /** @internal This message's telemetry, when the bot has a `telemetry` option. */
  readonly trace: MessageTelemetry | undefined;

  /**
   * @internal Set by `session()`: the loaded record and dialog controller, or `null` when
   * this update has no session. A plain field, not per-context property definitions: those
   * cost measurable time per message.
   */
  sessionBinding: SessionBinding | null | undefined;
  /** @internal The bot's store and dialogs (`undefined` for a context made outside a bot). */
  readonly services: ContextServices | undefined;
  private readonly sink: ContextSink;
  /** Sends still on their way to the outbox; most updates have none (the ledger answered at once). */
  private pending: Promise<unknown>[] | undefined;
  /** The turn's signal and abandonment, made on first use (most turns never ask). */
  private turnControl: TurnControl | undefined;
  /** Observers of outgoing messages; most updates have none, so made on first tap(). */
  private taps: Array<(body: OutgoingMessage, isReply: boolean) => void> | undefined;

  /** @internal Contexts are created by the bot, one per update. */
  constructor(init: ContextInit) {
    this.update = init.update;
    this.connection = init.connection;
    this.sessionId = init.sessionId;
    this.message = init.message;
    this.user = init.user;
    this.resumed = init.resumed;
    this.receivedAt = init.receivedAt ?? Date.now();
    this.sink = init.sink;
    this.services = init.services;
    this.trace = init.trace;
  }

  /** Controls dialogs (`enter`, `state`, `repeat`, `exit`, `active`); needs `session()`. */
  get dialog(): unknown {
    return this.bound("dialog").dialog;
  }

  /** @internal The session binding, or a clear error when `session()` did not provide one. */
  bound(what: string): SessionBinding {
    return this.sessionBinding ?? unbound(this.sessionBinding, what);
  }

  /** The message text, if any. */
  get text(): string | undefined {
    return this.message?.text;
  }

  /** The message's structured payload, if any. */
  get data(): unknown {
    return this.message?.data;
  }

  /**
   * Aborted when the bot gives up on this update: it ran longer than the bot's
   * `turnTimeoutMs`, or the bot is stopping. Pass it to `fetch`, a model SDK or anything else
   * that can stop early (`fetch(url, { signal: ctx.signal })`); a handler that ignores it
   * is abandoned all the same: what it sends or saves afterwards is dropped.
   */
  get signal(): AbortSignal {
    return this.control.signal;
  }

  /** @internal The turn's control (signal, abandonment). */
  get control(): TurnControl {
    this.turnControl ??= new TurnControl();
    return this.turnControl;
  }

  /**
   * Answers the current message: the client gets it with `replyTo` set to the message id.
   * Resolves with the message's `seq` once it is in the session's outbox.
   * @param reply - a text, or `{ text?, data? }`
   * @example
   * ```ts
   * bot.command("ping", (ctx) => ctx.reply("pong"));
   * ```
   */
  reply(reply: Reply): Promise<number> {
    return this.deliver(toOutgoing(reply), true);
  }

  /** Sends a message to this session without `replyTo`. Resolves with its `seq`. */
  send(message: Reply): Promise<number> {
    return this.deliver(toOutgoing(message), false);
  }

  /**
   * @internal Observes what this context sends from now on (`cache()` records replies).
   * Returns a function that stops observing.
   */
  tap(observer: (body: OutgoingMessage, isReply: boolean) => void): () => void {
    this.taps ??= [];
    const taps = this.taps;
    taps.push(observer);
    return () => {
      const i = taps.indexOf(observer);
      if (i !== -1) taps.splice(i, 1);
    };
  }

  /**
   * Answers the current message with a streamed reply: clients see the text as `source`
   * produces it, then one final message with the whole text; one that reconnects mid-stream
   * gets the text so far and the rest live. A client's `cancel`, `turnTimeoutMs` and `stop()`
   * end it early (`end`: `"cancelled"`, `"failed"`, `"interrupted"`) with the text so far.
   * Resolves with the final message; rejects (after the final `failed`) when the source
   * throws or passes `streaming.maxStreamChars`. See docs/streaming.md.
   * @param source - an `AsyncIterable<string>`, a `ReadableStream`, or the AI SDK's
   * `streamText()` result (anything with a `textStream`)
   * @example
   * ```ts
   * bot.command("ask", async (ctx) => {
   *   const result = streamText({ model, prompt: ctx.command.args, abortSignal: ctx.signal });
   *   await ctx.replyStream(result);
   * });
   * ```
   */
  replyStream(source: StreamSource, options: ReplyStreamOptions = {}): Promise<StreamedMessage> {
    let final: Promise<StreamedMessage>;
    try {
      this.checkLive();
      final = this.sink.stream(source, options, this.control, this.message?.id);
    } catch (error) {
      final = Promise.reject(error);
    }
    const observed = final.then((message) => {
      const body: OutgoingMessage = { text: message.text };
      if (message.data !== undefined) body.data = message.data;
      if (this.taps !== undefined) for (const tap of this.taps) tap(body, true);
      return message;
    });
    this.track(observed);
    return observed;
  }

  /**
   * Shows what the bot is doing (`thinking`, `tool`, …) to this session's clients until the
   * reply, a newer activity, `"idle"` or `ttlMs`. Ephemeral; ended by `idle` after the handler.
   */
  activity(kind: string, options: ActivityOptions = {}): void {
    if (this.turnControl?.abandoned === true) return;
    this.sink.activity(kind, options, this.message?.id);
  }

  /**
   * Replaces an earlier message of this session (its text and data) on every client, now
   * and on resume. Resolves with the seq of the edit.
   * @param message - the message's seq, or what `reply`/`replyStream` resolved with
   */
  edit(message: MessageRef, body: Reply): Promise<number> {
    return this.appendFrame(message, "edit", (seq, target) =>
      encodeEdit(seq, target, toOutgoing(body)),
    );
  }

  /** Withdraws an earlier message of this session on every client. Resolves with the seq. */
  retract(message: MessageRef): Promise<number> {
    return this.appendFrame(message, "retract", encodeRetract);
  }

  private appendFrame(
    message: MessageRef,
    method: string,
    encode: (seq: number, target: number) => string,
  ): Promise<number> {
    let seq: MaybePromise<number>;
    try {
      this.checkLive();
      const target = seqOf(message, method);
      encode(1, target); // checks the body before a seq is taken
      seq = this.sink.append((s) => encode(s, target));
    } catch (error) {
      seq = Promise.reject(error);
    }
    return this.track(seq);
  }

  /** The bot gave up on this turn and told the client so: nothing may follow. */
  private checkLive(): void {
    if (this.turnControl?.abandoned === true) throw this.turnControl.abandonedBy;
  }

  private deliver(body: OutgoingMessage, isReply: boolean): Promise<number> {
    let seq: MaybePromise<number>;
    try {
      this.checkLive();
      if (this.taps !== undefined) for (const observer of this.taps) observer(body, isReply);
      seq = this.sink.deliver(body, isReply ? this.message?.id : undefined);
    } catch (error) {
      seq = Promise.reject(error);
    }
    return this.track(seq);
  }

  /** Remembers a send on its way to the outbox, so the turn waits for it. */
  private track<T>(sent: MaybePromise<T>): Promise<T> {
    // Already in the outbox: the handler can return this without a microtask (`fulfilled`).
    if (!isThenable(sent)) return fulfilled(sent);
    if (this.pending === undefined) this.pending = [];
    this.pending.push(sent);
    // Not awaited, it must not be an unhandled rejection; settled() still reports it.
    sent.catch(() => undefined);
    return sent;
  }

  /**
   * Adds this session to a room, so `bot.broadcast(room, …)` reaches it. Membership
   * belongs to the session: it survives reconnects (to any node, with a shared store).
   */
  join(room: string): Promise<void> {
    return this.sink.join(checkRoom(room));
  }

  /** Removes this session from a room. */
  leave(room: string): Promise<void> {
    return this.sink.leave(checkRoom(room));
  }

  /** @internal Waits for every message sent from this context to be in the outbox. */
  settled(): Promise<unknown> {
    const pending = this.pending ?? [];
    return pending.length === 1 ? (pending[0] as Promise<unknown>) : Promise.all(pending);
  }

  /** @internal Whether a message sent from this context is still on its way to the outbox. */
  get sending(): boolean {
    return this.pending !== undefined;
  }
}

installSessionAccessors(Context.prototype);
