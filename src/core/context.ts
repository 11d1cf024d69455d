/**
 * Context: everything a handler needs about one update, and the ways to answer it.
 * @module
 */

import type { MessageFrame, OutgoingMessage } from "../protocol/frames.js";
import type { Store } from "../storage/store.js";
import { fulfilled } from "../util/maybe.js";
import type { CommandMatch, IntentMatch } from "./matches.js";
import { checkRoom, type Reply, toOutgoing } from "./outgoing.js";
import type { ConnectionInfo } from "./transport.js";
import { TurnControl } from "./turn-control.js";

export type { CommandMatch, IntentMatch } from "./matches.js";
export { type Reply, toOutgoing } from "./outgoing.js";

import { isThenable, type MaybePromise } from "../util/types.js";

/** The kinds of update that run the middleware chain. */
export type UpdateKind = "message" | "connect" | "disconnect";

/** Connection details visible to handlers. */
export interface ContextConnection extends ConnectionInfo {
  /** The connection id (unique per connection, not per session). */
  readonly id: string;
}

/** The context inside a `command()` handler: `ctx.command` is set. */
export type CommandContext<C extends Context = Context> = C & {
  /** The parsed command (always set in a `command()` handler). */
  command: CommandMatch;
};

/** The context inside a `hears()` handler: `ctx.match` is set. */
export type HearsContext<C extends Context = Context> = C & {
  /** The match of the text against the trigger (always set in a `hears()` handler). */
  match: RegExpExecArray;
};

/** The context inside an `intent()` handler: `ctx.intent` is set. */
export type IntentContext<C extends Context = Context> = C & {
  /** The recognised intent (always set in an `intent()` handler). */
  intent: IntentMatch;
};

/**
 * @internal How a context hands its outgoing messages to the connection's session.
 * Returns the assigned `seq`, synchronously when the ledger answered synchronously.
 */
export interface ContextSink {
  deliver(body: OutgoingMessage, replyTo: string | undefined): MaybePromise<number>;
  join(room: string): Promise<void>;
  leave(room: string): Promise<void>;
}

/** @internal What `session()` attaches to a context. */
export interface SessionBinding {
  record: { data: unknown; history?: unknown[] };
  dialog: unknown;
}

/** @internal A registered dialog. */
export interface DialogDefinition {
  readonly name: string;
  readonly steps: readonly ((ctx: Context) => unknown)[];
  readonly timeoutMs: number | undefined;
}

/** @internal Bot-wide services a context reaches: the bot's store and its dialogs. */
export interface ContextServices {
  readonly store: Store;
  /** How long an idle protocol session can be resumed (`limits.sessionTtlMs`). */
  readonly sessionTtlMs: number;
  dialog(name: string): DialogDefinition | undefined;
}

/** @internal Constructor input of {@link Context}. */
export interface ContextInit {
  services?: ContextServices;
  update: UpdateKind;
  connection: ContextConnection;
  sessionId: string;
  message: MessageFrame | undefined;
  user: unknown;
  resumed: boolean;
  /** When the update arrived (epoch ms); defaults to now. */
  receivedAt?: number;
  sink: ContextSink;
}

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
  private pending: Promise<number>[] | undefined;
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
  }

  /**
   * Controls dialogs (`enter`, `state`, `repeat`, `exit`, `active`); provided by the
   * `session()` middleware, which keeps dialog state. Without it, reading this throws.
   */
  get dialog(): unknown {
    return this.bound("dialog").dialog;
  }

  /** @internal The session binding, or a clear error when `session()` did not provide one. */
  bound(what: string): SessionBinding {
    const binding = this.sessionBinding;
    if (binding === undefined) {
      throw new Error(
        `ctx.${what} needs the session() middleware: add bot.use(session({ initial })) before your handlers and bot.dialog()`,
      );
    }
    if (binding === null) {
      throw new Error(
        `ctx.${what}: this update has no session (session({ getKey }) returned undefined)`,
      );
    }
    return binding;
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

  private deliver(body: OutgoingMessage, isReply: boolean): Promise<number> {
    let seq: MaybePromise<number>;
    try {
      // The bot gave up on this turn and told the client so: nothing may follow that.
      if (this.turnControl?.abandoned === true) throw this.turnControl.abandonedBy;
      if (this.taps !== undefined) for (const observer of this.taps) observer(body, isReply);
      seq = this.sink.deliver(body, isReply ? this.message?.id : undefined);
    } catch (error) {
      seq = Promise.reject(error);
    }
    // Already in the outbox: nothing for the bot to wait for, and the handler can return
    // this promise without costing a microtask (see `fulfilled`).
    if (!isThenable(seq)) return fulfilled(seq);
    if (this.pending === undefined) this.pending = [];
    this.pending.push(seq);
    // A reply the handler does not await must not become an unhandled rejection (which
    // ends the process); its failure still reaches the bot through settled().
    seq.catch(() => undefined);
    return seq;
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
    return pending.length === 1 ? (pending[0] as Promise<number>) : Promise.all(pending);
  }

  /** @internal Whether a message sent from this context is still on its way to the outbox. */
  get sending(): boolean {
    return this.pending !== undefined;
  }
}

// `ctx.session` and `ctx.history` are typed by `SessionFlavor<S>`. Declaring them on the
// class too would intersect with the flavor (`readonly unknown[] & readonly Turn[]`, which
// breaks array methods), so the accessors are added to the prototype untyped.
Object.defineProperties(Context.prototype, {
  session: {
    configurable: true,
    get(this: Context) {
      return this.bound("session").record.data;
    },
    set(this: Context, value: unknown) {
      this.bound("session").record.data = value;
    },
  },
  history: {
    configurable: true,
    get(this: Context) {
      return this.bound("history").record.history ?? [];
    },
  },
});
