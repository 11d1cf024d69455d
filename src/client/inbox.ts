/**
 * What a `BotClient` does with each server frame after the welcome: messages once and in
 * order, streamed replies, activity, edits, receipts and error frames, and which of them
 * confirm a message the client sent.
 * @module
 */
import type { EventEmitter } from "eventemitter3";
import type { Acker } from "./acks.js";
import { Activity } from "./activity.js";
import { NoReplyError, ServerError } from "./errors.js";
import type { BotClientEvents } from "./events.js";
import type { BotMessage, IncomingFrame } from "./frames.js";
import type { Pacer } from "./pacer.js";
import type { Pending } from "./pending.js";
import { Streams } from "./streams.js";

/** The client's handling of server frames. */
export class Inbox {
  /** The bot's current activity. */
  readonly activity: Activity;
  /** The streamed replies in progress. */
  readonly streams: Streams;
  /** `stream()` handles by message id: each gets the text of the reply to its message. */
  readonly watchers = new Map<string, (text: string) => void>();

  /**
   * @param events - the client, which emits the events
   */
  constructor(
    private readonly events: EventEmitter<BotClientEvents>,
    private readonly acker: Acker,
    private readonly pending: Pending,
    private readonly pacer: Pacer,
  ) {
    this.activity = new Activity((event) => events.emit("activity", event));
    this.streams = new Streams(events, (id, text) => {
      pending.touch(id);
      this.watchers.get(id)?.(text);
    });
  }

  /**
   * Handles one frame other than `welcome`. Before the welcome (`open` false) only error
   * frames count: a compliant server sends the welcome first.
   */
  receive(frame: Exclude<IncomingFrame, { type: "welcome" | "goaway" }>, open: boolean): void {
    if (frame.type === "error") return this.error(frame);
    if (!open) return;
    if (frame.type === "delta") return this.streams.delta(frame.stream, frame.at, frame.text);
    if (frame.type === "activity") return this.activity.show(frame.event);
    if (frame.type === "receipt") return void this.confirm(frame.id, new NoReplyError(frame.id));
    if (frame.type === "edit") {
      if (this.acker.receive(frame.event.seq)) this.events.emit("edit", frame.event);
      return;
    }
    if (frame.type === "retract") {
      if (this.acker.receive(frame.event.seq)) this.events.emit("retract", frame.event);
      return;
    }
    this.message(frame.message);
  }

  /** The server is done with message `id`: forget it, settle its request, tell listeners. */
  /** After a 1009 close, gives up the largest unconfirmed message: re-sending it would loop. */
  dropLargest(): void {
    const id = this.pending.largest();
    if (id === undefined) return;
    const error = new ServerError("too_large", "message larger than the server accepts", id);
    if (!this.confirm(id, error)) this.events.emit("error", error);
  }

  confirm(id: string, outcome: BotMessage | Error): boolean {
    const known = this.pending.confirm(id);
    const taken = this.pending.settle(id, outcome);
    this.activity.end(id);
    if (known) this.events.emit("confirmed", id);
    return taken;
  }

  private message(message: BotMessage): void {
    // A duplicate (a replay around a reconnect) is not shown again; as a reply it confirms.
    const fresh = this.acker.receive(message.seq);
    const { stream, replyTo, end } = message;
    if (stream !== undefined && end === undefined) {
      // An opening does not confirm: if its node dies, the re-send runs the handler again.
      if (fresh) this.streams.start(stream, replyTo, message.text ?? "");
      return;
    }
    if (stream !== undefined && fresh) this.streams.end(stream);
    if (replyTo !== undefined) {
      // An orphan of a dead node (or a stopped bot): the message stays unconfirmed, and the
      // run its re-send starts streams a new answer. Only a repeat of this final (the server
      // answering a re-send with what it recorded) settles it.
      if (end === "interrupted" && fresh) this.activity.end(replyTo);
      else this.confirm(replyTo, message);
    }
    if (fresh) this.events.emit("message", message);
  }

  private error(frame: Extract<IncomingFrame, { type: "error" }>): void {
    const error = new ServerError(frame.code, frame.message, frame.replyTo, frame.retryAfterMs);
    if (frame.code === "rate_limited" && frame.replyTo !== undefined) {
      // Refused before it was handled: send nothing until the wait is over, then it and the rest.
      this.pending.markWaiting(frame.replyTo);
      this.pacer.hold(frame.retryAfterMs);
      this.events.emit("error", error);
      return;
    }
    // A request waiting for this id takes the error; otherwise it goes to listeners.
    if (frame.replyTo === undefined || !this.confirm(frame.replyTo, error)) {
      this.events.emit("error", error);
    }
  }
}
