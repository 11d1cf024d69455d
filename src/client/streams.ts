/**
 * The client's view of the streamed replies in progress: the text so far of each open
 * stream, rebuilt from `delta` frames by their offsets (`at`, in UTF-16 code units).
 *
 * The offset rule: a delta that ends within the known text is a repeat (dropped); one that
 * starts within it adds only the part beyond; one that starts past it shows a hole (deltas
 * were missed), after which only a snapshot (`at: 0`, all the text so far, as sent on resume)
 * or the final message, whose text is authoritative, moves the stream on.
 * @module
 */
import type { EventEmitter } from "eventemitter3";
import type { BotClientEvents, DeltaEvent, StreamEvent } from "./events.js";

interface Open {
  replyTo: string | undefined;
  text: string;
  /** Deltas were missed: wait for a snapshot or the final. */
  hole: boolean;
}

/** Most streams tracked at once (and most ended ids remembered): a hostile server cannot grow memory. */
const LIMIT = 64;

/** Open streams by id, bounded; emits `stream` and `delta` on the client. */
export class Streams {
  private readonly open = new Map<string, Open>();
  /** Recently ended streams: a late delta must not open them again. */
  private readonly ended = new Set<string>();

  /**
   * @param events - the client, which emits `stream` and `delta`
   * @param progress - called with the client message id a stream answers and the stream's
   * text whenever the stream opens or grows
   */
  constructor(
    private readonly events: EventEmitter<BotClientEvents>,
    private readonly progress: (id: string, text: string) => void,
  ) {}

  /** A stream's opening message arrived (after its snapshot, it only tells whom it answers). */
  start(stream: string, replyTo: string | undefined, text: string): void {
    const open = this.open.get(stream);
    if (open !== undefined) open.replyTo ??= replyTo;
    else if (!this.ended.has(stream)) this.track(stream, replyTo, text);
  }

  /** Applies a `delta` frame per the offset rule. */
  delta(stream: string, at: number, text: string): void {
    let open = this.open.get(stream);
    if (open === undefined) {
      // Unknown (its opening came before this client tracked it, or was evicted): only a
      // snapshot tells where the text stands.
      if (at !== 0 || this.ended.has(stream)) return;
      open = this.track(stream, undefined, "");
    }
    const known = open.text.length;
    if (at > known || (open.hole && at !== 0)) {
      open.hole = true;
      return;
    }
    open.hole = false;
    const delta = text.slice(known - at);
    if (delta === "") return;
    open.text += delta;
    const event: DeltaEvent = { stream, text: open.text, delta };
    if (open.replyTo !== undefined) {
      event.replyTo = open.replyTo;
      this.progress(open.replyTo, open.text);
    }
    this.events.emit("delta", event);
  }

  /** The stream's final message arrived: forget its text. */
  end(stream: string): void {
    this.open.delete(stream);
    evictOldest(this.ended);
    this.ended.add(stream);
  }

  /** Forgets every stream (the session is gone). */
  clear(): void {
    this.open.clear();
    this.ended.clear();
  }

  private track(stream: string, replyTo: string | undefined, text: string): Open {
    const open: Open = { replyTo, text, hole: false };
    evictOldest(this.open);
    this.open.set(stream, open);
    const event: StreamEvent = { stream, text };
    if (replyTo !== undefined) {
      event.replyTo = replyTo;
      this.progress(replyTo, text);
    }
    this.events.emit("stream", event);
    return open;
  }
}

/** Makes room for one more entry in a bounded set or map by dropping its oldest. */
function evictOldest(into: Set<string> | Map<string, unknown>): void {
  if (into.size >= LIMIT) into.delete(into.keys().next().value as string);
}
