/**
 * What a context is made of: its sink (where what it sends goes), the session binding, the
 * bot-wide services. Internal: the bot makes contexts.
 * @module
 */
import type { MessageFrame, OutgoingMessage } from "../protocol/frames.js";
import type { Store } from "../storage/store.js";
import type { MaybePromise } from "../util/types.js";
import type { ContextConnection, UpdateKind } from "./context-types.js";
import type { StreamSource } from "./stream-source.js";
import type { ActivityOptions, ReplyStreamOptions, StreamedMessage } from "./streaming.js";
import type { MessageTelemetry } from "./telemetry.js";
import type { TurnControl } from "./turn-control.js";

/**
 * @internal How a context hands its outgoing messages to the connection's session.
 * Returns the assigned `seq`, synchronously when the ledger answered synchronously.
 */
export interface ContextSink {
  deliver(body: OutgoingMessage, replyTo: string | undefined): MaybePromise<number>;
  /** Appends a frame that answers nothing (an edit, a retraction) to the outbox. */
  append(encode: (seq: number) => string): MaybePromise<number>;
  /** Streams a reply to `replyTo` (see `ctx.replyStream`); resolves with its final message. */
  stream(
    source: StreamSource,
    options: ReplyStreamOptions,
    control: TurnControl,
    replyTo: string | undefined,
  ): Promise<StreamedMessage>;
  /** Shows an activity to the session's clients (ephemeral). */
  activity(kind: string, options: ActivityOptions, replyTo: string | undefined): void;
  join(room: string): Promise<void>;
  leave(room: string): Promise<void>;
}

/** @internal What `session()` attaches to a context. */
export interface SessionBinding {
  record: { data: unknown; history?: unknown[] };
  dialog: unknown;
}

/**
 * @internal A registered dialog. Its steps take the bot's context type, which this layer does
 * not know: `dialog/` calls them with the context (see `DialogStep`).
 */
export interface DialogDefinition {
  readonly name: string;
  readonly steps: readonly ((ctx: never) => unknown)[];
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
  /** The message's telemetry, when the bot has a `telemetry` option. */
  trace?: MessageTelemetry | undefined;
}
