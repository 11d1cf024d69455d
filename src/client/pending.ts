/**
 * The client's unconfirmed messages and the requests waiting for their replies.
 * A message leaves once the server confirmed it: a reply carrying its id, a receipt, or an
 * error frame about it.
 * @module
 */
import type { BotMessage } from "./frames.js";

interface Waiter {
  resolve: (message: BotMessage) => void;
  reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

/** Unconfirmed messages (in send order) and request waiters, bounded by `limit`. */
export class Pending {
  /** id → encoded frame. A Map keeps insertion order, which is the re-send order. */
  private readonly messages = new Map<string, string>();
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
    this.messages.set(id, frame);
  }

  /** The encoded frame of an unconfirmed message, if it is still unconfirmed. */
  get(id: string): string | undefined {
    return this.messages.get(id);
  }

  /** The id of the largest unconfirmed frame, if any. */
  largest(): string | undefined {
    let best: string | undefined;
    let size = -1;
    for (const [id, frame] of this.messages) {
      if (frame.length > size) {
        size = frame.length;
        best = id;
      }
    }
    return best;
  }

  /** Waits for the outcome of message `id`; rejects with `timeout()` after `timeoutMs`. */
  wait(id: string, timeoutMs: number, timeout: () => Error): Promise<BotMessage> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(id);
        reject(timeout());
      }, timeoutMs);
      this.waiters.set(id, { resolve, reject, timer });
    });
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

  /** The frames marked waiting, oldest first, unmarking them. */
  takeWaiting(): string[] {
    const frames: string[] = [];
    for (const [id, frame] of this.messages) {
      if (this.waiting.delete(id)) frames.push(frame);
    }
    return frames;
  }
}
