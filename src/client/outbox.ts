/**
 * The sending side of a `BotClient`: messages queued until confirmed, written when online
 * and not held by a `rate_limited` wait, requests waiting for their replies, and cancels.
 * @module
 */
import { CancelledError, QueueFullError, RequestTimeoutError } from "./errors.js";
import type { RequestOptions } from "./events.js";
import { type BotMessage, encodeCancel, encodeMessage } from "./frames.js";
import { messageIds } from "./ids.js";
import type { ResolvedOptions } from "./options.js";
import { Pacer } from "./pacer.js";
import { Pending } from "./pending.js";

/** Unconfirmed messages and how they are written. */
export class Outbox {
  /** Unconfirmed messages and request waiters. */
  readonly pending: Pending;
  /** The wait after a `rate_limited` refusal. */
  readonly pacer = new Pacer(() => this.flush());
  /** The server's `welcome.features`. */
  features: readonly string[] = [];
  private readonly nextId = messageIds();

  /**
   * @param write - writes a frame on the connection; false while offline
   * @param online - whether the client is welcomed on an open connection
   */
  constructor(
    private readonly options: ResolvedOptions,
    private readonly write: (frame: string) => boolean,
    private readonly online: () => boolean,
  ) {
    this.pending = new Pending(options.maxQueue);
  }

  /** Queues a message, writes it if possible, and returns its id. */
  send(text: string, data: unknown): string {
    if (typeof text !== "string") throw new TypeError("send(text, data?): text must be a string");
    if (this.pending.full) throw new QueueFullError(this.options.maxQueue);
    const id = this.nextId();
    this.pending.add(
      id,
      encodeMessage(id, text, data, this.options.maxFrameBytes, this.options.traceparent()),
    );
    this.pending.markWaiting(id);
    this.flush();
    return id;
  }

  /** Sends a message and waits for its reply (for a streamed reply, the final message). */
  ask(text: string, data: unknown, options: RequestOptions): [string, Promise<BotMessage>] {
    const timeoutMs = options.timeoutMs ?? this.options.requestTimeoutMs;
    if (!(timeoutMs > 0)) throw new RangeError("request(): timeoutMs must be > 0");
    const id = this.send(text, data);
    return [id, this.pending.wait(id, timeoutMs, () => new RequestTimeoutError(id, timeoutMs))];
  }

  /** Drops a message never written, or tells the server to stop handling it. */
  cancel(id: string): void {
    const known = this.pending.has(id);
    const now = this.pending.cancel(id);
    if (now === false) this.pending.settle(id, new CancelledError(id));
    // Also an id this client did not send (another tab's, or one from before a reload):
    // the server stops it if it runs in this session.
    else if ((now === true || !known) && this.online() && this.cancels()) {
      this.write(encodeCancel(id));
    }
  }

  /** Writes the messages waiting to be sent, oldest first, unless offline or held. */
  flush(): void {
    if (!this.online() || this.pacer.held) return;
    for (const frame of this.pending.takeWaiting(this.cancels())) this.write(frame);
  }

  /** Whether the server takes cancel frames (an older one would count them as bad frames). */
  private cancels(): boolean {
    return this.features.includes("cancel");
  }
}
