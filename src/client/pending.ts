/**
 * The client's unconfirmed messages and the requests waiting for their replies.
 * A message leaves once the server confirmed it: a reply carrying its id (for a streamed
 * reply, its final message), a receipt, or an error frame about it.
 * @module
 */
import { type BotMessage, encodeCancel } from "./frames.js";

interface Waiter {
  resolve: (message: BotMessage) => void;
  reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout> | undefined;
  /** (Re)starts the timeout. */
  arm(): void;
}

interface Entry {
  frame: string;
  /** Written to a socket at least once (the server may be handling it). */
  sent?: boolean;
  /** The user cancelled it: each re-send is followed by a cancel frame. */
  cancelled?: boolean;
}

/** Unconfirmed messages (in send order) and request waiters, bounded by `limit`. */
export class Pending {
  /** id → encoded frame. A Map keeps insertion order, which is the re-send order. */
  private readonly messages = new Map<string, Entry>();
  private readonly waiters = new Map<string, Waiter>();
  /** Unconfirmed messages to write at the next chance, in no particular order. */
  private readonly waiting = new Set<string>();

  /** @param limit - most unconfirmed messages */
  constructor(private readonly limit: number) {}

  /** How many messages are unconfirmed. */
  get size(): number {
    return this.messages.size;
  }

  /** Whether no further message fits. */
  get full(): boolean {
    return this.messages.size >= this.limit;
  }

  /** Keeps a message until it is confirmed. */
  add(id: string, frame: string): void {
    this.messages.set(id, { frame });
  }

  /** The encoded frame of an unconfirmed message, if it is still unconfirmed. */
  get(id: string): string | undefined {
    return this.messages.get(id)?.frame;
  }

  /** Whether `id` is an unconfirmed message of this client. */
  has(id: string): boolean {
    return this.messages.has(id);
  }

  /**
   * Cancels message `id`. Returns `false` when it was never written (it is forgotten now),
   * `true` when a cancel frame should be sent now, `undefined` when there is nothing to send
   * now (unknown id, or the cancel goes out with the message's next re-send).
   */
  cancel(id: string): boolean | undefined {
    const entry = this.messages.get(id);
    if (entry === undefined) return undefined;
    if (!entry.sent) {
      this.confirm(id);
      return false;
    }
    entry.cancelled = true;
    return this.waiting.has(id) ? undefined : true;
  }

  /** The id of the largest unconfirmed frame, if any. */
  largest(): string | undefined {
    let best: string | undefined;
    let size = -1;
    for (const [id, { frame }] of this.messages) {
      if (frame.length > size) {
        size = frame.length;
        best = id;
      }
    }
    return best;
  }

  /**
   * Waits for the outcome of message `id`; rejects with `timeout()` after `timeoutMs`
   * without a reply or (see {@link touch}) progress.
   */
  wait(id: string, timeoutMs: number, timeout: () => Error): Promise<BotMessage> {
    return new Promise((resolve, reject) => {
      const expire = () => {
        this.waiters.delete(id);
        reject(timeout());
      };
      const waiter: Waiter = {
        resolve,
        reject,
        timer: undefined,
        arm: () => {
          clearTimeout(waiter.timer);
          waiter.timer = setTimeout(expire, timeoutMs);
        },
      };
      this.waiters.set(id, waiter);
      waiter.arm();
    });
  }

  /** The reply to message `id` made progress (a stream opened or grew): its timeout starts over. */
  touch(id: string): void {
    this.waiters.get(id)?.arm();
  }

  /** Forgets message `id`: the server confirmed it. Returns whether it was unconfirmed. */
  confirm(id: string): boolean {
    this.waiting.delete(id);
    return this.messages.delete(id);
  }

  /** Settles the request for message `id`, if any; returns whether one took the outcome. */
  settle(id: string, outcome: BotMessage | Error): boolean {
    const waiter = this.waiters.get(id);
    if (waiter === undefined) return false;
    this.waiters.delete(id);
    clearTimeout(waiter.timer);
    if (outcome instanceof Error) waiter.reject(outcome);
    else waiter.resolve(outcome);
    return true;
  }

  /** Rejects every waiting request (the messages stay queued). */
  rejectAll(error: Error): void {
    for (const waiter of this.waiters.values()) {
      clearTimeout(waiter.timer);
      waiter.reject(error);
    }
    this.waiters.clear();
  }

  /** Marks message `id` to be written at the next chance (it was refused, or not sent yet). */
  markWaiting(id: string): void {
    if (this.messages.has(id)) this.waiting.add(id);
  }

  /** Marks every unconfirmed message to be written again (a new connection has none of them). */
  markAllWaiting(): void {
    for (const id of this.messages.keys()) this.waiting.add(id);
  }

  /**
   * The frames marked waiting, oldest first, unmarking them (and marking them sent).
   * @param cancels - put a cancel frame after each cancelled message (the server takes them)
   */
  takeWaiting(cancels: boolean): string[] {
    const frames: string[] = [];
    for (const [id, entry] of this.messages) {
      if (!this.waiting.delete(id)) continue;
      entry.sent = true;
      frames.push(entry.frame);
      if (cancels && entry.cancelled) frames.push(encodeCancel(id));
    }
    return frames;
  }
}
