/**
 * What one connection has of each open stream, so every delta it is sent continues exactly
 * where the last one ended: a repeat is dropped, an overlap (after a snapshot) is trimmed,
 * and a hole (a delta lost on the way) stops the deltas of that stream — the client then
 * waits for the final message, which holds the whole text. Internal.
 * @module
 */
import { encodeDelta } from "../protocol/encode.js";

/**
 * Streams tracked per connection (as many as the reference client tracks); past this the
 * oldest is forgotten. A stream is forgotten anyway when its final message goes out.
 */
const MAX_STREAMS = 64;

/** The offsets a connection has reached in the streams it is sent. */
export class StreamCursor {
  private readonly offsets = new Map<string, number>();

  /**
   * The frame to write for a delta (`frame`, or a trimmed one), or `undefined` when there is
   * nothing new for this connection or it would leave a hole.
   */
  next(stream: string, at: number, text: string, frame: string): string | undefined {
    const known = this.offsets.get(stream);
    const end = at + text.length;
    if (known === undefined) {
      if (at !== 0) return undefined;
      this.track(stream, end);
      return frame;
    }
    if (end <= known || at > known) return undefined;
    this.offsets.set(stream, end);
    return at === known ? frame : encodeDelta(stream, known, text.slice(known - at));
  }

  /** The frame that gives a resuming connection all text so far (`at: 0`). */
  snapshot(stream: string, text: string): string {
    this.track(stream, text.length);
    return encodeDelta(stream, 0, text);
  }

  /** The stream ended (its final message went out): nothing more to track. */
  end(stream: string): void {
    this.offsets.delete(stream);
  }

  private track(stream: string, offset: number): void {
    if (!this.offsets.has(stream) && this.offsets.size >= MAX_STREAMS) {
      const oldest = this.offsets.keys().next();
      if (oldest.done !== true) this.offsets.delete(oldest.value);
    }
    this.offsets.set(stream, offset);
  }
}
