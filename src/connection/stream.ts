/**
 * One streamed reply, from its opening message to its final one: reads the source, sends
 * the text as coalesced deltas (here at once, to other nodes after the text is in the
 * store), stops when the turn's signal aborts, and ends with exactly one final message that
 * holds the whole text. Internal.
 * @module
 */
import type { Context } from "../core/context.js";
import { openSource, type StreamSource } from "../core/stream-source.js";
import type { StreamedMessage } from "../core/streaming.js";
import { BotStoppingError, type TurnControl, TurnTimeoutError } from "../core/turn-control.js";
import { encodeStreamFinal, encodeStreamOpen } from "../protocol/encode.js";
import type { StreamEnd } from "../protocol/frames.js";
import { randomId } from "../util/id.js";
import { Coalescer } from "./coalescer.js";
import type { PeerHost } from "./host.js";
import type { OpenStream } from "./streams.js";

/** What one stream is for: its session, the message it answers, and the turn it belongs to. */
export interface StreamRequest {
  readonly session: string;
  readonly replyTo: string | undefined;
  readonly source: StreamSource;
  readonly data: unknown;
  readonly control: TurnControl;
  /** Appends a frame to the outbox as a reply to `replyTo` (recorded with its claim). */
  readonly reply: (encode: (seq: number) => string) => Promise<number>;
  /** Called when the first text arrives. */
  readonly started?: () => void;
}

const ABORTED = Symbol("aborted");

/** How a stream ends when the turn's signal aborts for `reason`. */
function endFor(reason: unknown): StreamEnd {
  if (reason instanceof TurnTimeoutError) return "failed";
  if (reason instanceof BotStoppingError) return "interrupted";
  return "cancelled";
}

/** Runs a streamed reply to its final message. */
export async function runStream<C extends Context>(
  host: PeerHost<C>,
  request: StreamRequest,
): Promise<StreamedMessage> {
  const { session, replyTo, control } = request;
  const iterator = openSource(request.source);
  const { streams, streaming } = host;
  // The message is being handled again: a stream an earlier run left open (its node died)
  // is closed first, so the client sees one final per stream.
  const stream: OpenStream = { id: randomId(9), session, replyTo, text: "" };
  try {
    if (replyTo !== undefined && streams.shared) await closeOrphans(host, session, replyTo);
    // The opening message is not recorded with the claim: if this node dies before the
    // final, the message is not "answered", and the client's re-send runs it again elsewhere.
    await host.deliver(session, (seq) => encodeStreamOpen(seq, stream.id, replyTo));
    await streams.open(stream);
  } catch (error) {
    stopQuietly(iterator); // nothing was streamed: the producer must not run on for nothing
    throw error;
  }
  const deltas = new Coalescer(host, stream);
  const signal = control.signal;
  // One listener for the whole stream; each chunk's wait gets a fresh promise it can end.
  // (A Promise.race against one long-lived "aborted" promise would leave a reaction on it
  // per chunk: ~0.5 KB each, kept until the stream ends.)
  let stop: ((value: typeof ABORTED) => void) | undefined;
  const onAbort = () => stop?.(ABORTED);
  signal.addEventListener("abort", onAbort, { once: true });
  const nextChunk = () =>
    new Promise<IteratorResult<string> | typeof ABORTED>((resolve, reject) => {
      if (signal.aborted) return resolve(ABORTED);
      stop = resolve;
      iterator.next().then(resolve, reject);
    });
  let end: StreamEnd = "done";
  let failure: unknown;
  try {
    for (;;) {
      const next = await nextChunk();
      if (next === ABORTED) {
        end = endFor(signal.reason);
        break;
      }
      if (next.done === true) break;
      if (stream.text.length === 0) request.started?.();
      const room = streaming.maxStreamChars - stream.text.length;
      stream.text += next.value.length > room ? next.value.slice(0, room) : next.value;
      deltas.push();
      if (next.value.length > room) {
        end = "failed";
        failure = new RangeError(
          `replyStream: the text is longer than streaming.maxStreamChars (${streaming.maxStreamChars})`,
        );
        break;
      }
    }
  } catch (error) {
    end = signal.aborted ? endFor(signal.reason) : "failed";
    if (!signal.aborted) failure = error;
  }
  signal.removeEventListener("abort", onAbort);
  stop = undefined;
  // Stop the producer (a model call, a reader) without waiting for it: it may not listen.
  if (end !== "done" || failure !== undefined) stopQuietly(iterator);
  await deltas.finish();
  await streams.close(stream);
  const text = stream.text;
  const body = request.data === undefined ? { text } : { text, data: request.data };
  const seq = await request.reply((s) => encodeStreamFinal(s, stream.id, body, end, replyTo));
  if (failure !== undefined) throw failure;
  return {
    seq,
    stream: stream.id,
    text,
    end,
    ...(replyTo !== undefined && { replyTo }),
    ...(request.data !== undefined && { data: request.data }),
  };
}

function stopQuietly(iterator: AsyncIterator<string>): void {
  try {
    iterator.return?.()?.then(undefined, () => undefined);
  } catch {
    // A source that throws while stopping has nothing more to give.
  }
}

/**
 * Closes the streams of `session` whose node died (or that answer `replyTo`, which is being
 * handled again) with `end: "interrupted"` and the text they had.
 */
export async function closeOrphans<C extends Context>(
  host: PeerHost<C>,
  session: string,
  replyTo?: string,
): Promise<void> {
  for (const orphan of await host.streams.orphans(session, replyTo)) {
    await host.deliver(session, (seq) =>
      encodeStreamFinal(seq, orphan.id, { text: orphan.text }, "interrupted", orphan.replyTo),
    );
  }
}
