/**
 * The sink of one update's context: what `ctx.reply`, `ctx.send`, `ctx.replyStream`,
 * `ctx.activity`, `ctx.edit`, `ctx.join` and `ctx.leave` do. Internal.
 * @module
 */

import type { Context, ContextSink } from "../core/context.js";
import type { StreamSource } from "../core/stream-source.js";
import type { ActivityOptions, ReplyStreamOptions, StreamedMessage } from "../core/streaming.js";
import { endWhen, type MessageTelemetry } from "../core/telemetry.js";
import type { TurnControl } from "../core/turn-control.js";
import { encodeMessage } from "../protocol/encode.js";
import type { OutgoingMessage } from "../protocol/frames.js";
import { andThen } from "../util/maybe.js";
import type { MaybePromise } from "../util/types.js";
import { TurnActivity } from "./activity.js";
import type { PeerHost } from "./host.js";
import { runStream } from "./stream.js";

/** Where one update's context sends: the session's outbox. Records the seqs of replies. */
export class UpdateSink<C extends Context> implements ContextSink {
  /** The turn's activity, made when it is first needed. */
  private shows: TurnActivity<C> | undefined;
  /** Whether the turn ended: a late `ctx.activity` (from a detached promise) shows nothing. */
  private done = false;

  constructor(
    private readonly host: PeerHost<C>,
    private readonly session: string,
    private readonly replyTo: string | undefined,
    private readonly replySeqs: number[] | undefined,
    private readonly trace: MessageTelemetry | undefined,
  ) {}

  deliver(body: OutgoingMessage, to: string | undefined): MaybePromise<number> {
    return this.appendFor((s) => encodeMessage(s, body, to), to);
  }

  append(encode: (seq: number) => string): MaybePromise<number> {
    return this.host.deliver(this.session, encode);
  }

  /** Appends a frame; a reply to the message being handled is recorded with its claim. */
  private appendFor(encode: (seq: number) => string, to: string | undefined): MaybePromise<number> {
    if (to === undefined || to !== this.replyTo || this.replySeqs === undefined) {
      return this.host.deliver(this.session, encode, undefined, this.trace);
    }
    const span = this.trace?.step("outbox.append");
    let seq = this.host.deliver(this.session, encode, to, this.trace);
    if (span !== undefined) seq = endWhen(span, seq);
    const replySeqs = this.replySeqs;
    return andThen(seq, (value) => {
      replySeqs.push(value);
      return value;
    });
  }

  stream(
    source: StreamSource,
    options: ReplyStreamOptions,
    control: TurnControl,
    replyTo: string | undefined,
  ): Promise<StreamedMessage> {
    return runStream(this.host, {
      session: this.session,
      replyTo,
      source,
      data: options?.data,
      control,
      telemetry: this.trace?.stream(),
      reply: async (encode) => await this.appendFor(encode, replyTo),
      // The text shows progress from its first piece on: the automatic typing stops.
      started: () => this.shows?.streaming(),
    });
  }

  activity(kind: string, options: ActivityOptions, replyTo: string | undefined): void {
    if (this.done) return;
    this.turnActivity(replyTo).show(kind, options);
  }

  /** Shows `typing` while the turn runs past the delay (asynchronous message turns). */
  startTyping(): void {
    this.turnActivity(this.replyTo).startTyping();
  }

  /** The turn ended: its activity ends (`idle` if it showed any). */
  finish(): void {
    this.done = true;
    this.shows?.end();
  }

  private turnActivity(replyTo: string | undefined): TurnActivity<C> {
    this.shows ??= new TurnActivity(this.host, this.session, replyTo);
    return this.shows;
  }

  async join(room: string): Promise<void> {
    await this.host.config.ledger.join(this.session, room);
  }

  async leave(room: string): Promise<void> {
    await this.host.config.ledger.leave(this.session, room);
  }
}
