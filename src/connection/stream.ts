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
import type { StreamTelemetry } from "../core/telemetry.js";
import { BotStoppingError, type TurnControl, TurnTimeoutError } from "../core/turn-control.js";
import { encodeStreamFinal, encodeStreamOpen } from "../protocol/encode.js";
import type { StreamEnd } from "../protocol/frames.js";
import { localId } from "../util/id.js";
import { isThenable } from "../util/types.js";
import { Coalescer } from "./coalescer.js";
import type { PeerHost } from "./host.js";
import type { OpenStream, StreamSnapshot } from "./streams.js";

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
  /** The stream's telemetry, when the bot has a `telemetry` option. */
  readonly telemetry?: StreamTelemetry | undefined;
}

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
  // Unique (a random prefix per process and a counter), not secret: the session id is.
  const stream: OpenStream = { id: localId(), session, replyTo, text: "" };
  try {
    if (replyTo !== undefined && streams.shared) await closeOrphans(host, session, replyTo);
    // The opening message is not recorded with the claim: if this node dies before the
    // final, the message is not "answered", and the client's re-send runs it again elsewhere.
    // Awaited only when asynchronous: one node with an in-memory ledger needs no tick here.
    const opened = host.deliver(session, (seq) => encodeStreamOpen(seq, stream.id, replyTo));
    if (isThenable(opened)) await opened;
    const shared = streams.open(stream);
    if (shared !== undefined) await shared;
  } catch (error) {
    iterator.interrupt(); // nothing was streamed: the producer must not run on for nothing
    throw error;
  }
  const deltas = new Coalescer(host, stream, request.telemetry);
  const signal = control.signal;
  const max = streaming.maxStreamChars;
  let aborted = signal.aborted;
  let failure: unknown;
  let text = "";
  // Read with callbacks, not `await` in a loop: an abort must end a read the source may never
  // answer, and a callback chain needs no promise per chunk to be abortable (a stream may
  // have thousands of chunks). A local flag: `signal.aborted` is a checked native getter.
  let endRead: () => void = () => undefined;
  const onAbort = () => {
    aborted = true;
    iterator.interrupt();
    endRead();
  };
  const reading = new Promise<void>((resolve, reject) => {
    endRead = resolve;
    const take = (next: IteratorResult<string, undefined>): void => {
      if (aborted || next.done === true) return resolve();
      const chunk = next.value;
      if (text.length === 0) request.started?.();
      if (text.length + chunk.length > max) {
        stream.text = text += chunk.slice(0, max - text.length);
        deltas.push();
        failure = new RangeError(
          `replyStream: the text is longer than streaming.maxStreamChars (${max})`,
        );
        return resolve();
      }
      stream.text = text += chunk;
      deltas.push();
      iterator.next().then(take, reject);
    };
    if (aborted) resolve();
    else iterator.next().then(take, reject);
  });
  const stopListening = control.onAbort(onAbort);
  let end: StreamEnd = "done";
  try {
    await reading;
    if (aborted) end = endFor(signal.reason);
    else if (failure !== undefined) end = "failed";
  } catch (error) {
    end = aborted ? endFor(signal.reason) : "failed";
    if (!aborted) failure = error;
  }
  stopListening();
  // Stop the producer (a model call, a reader) without waiting for it: it may not listen.
  if (end !== "done" || failure !== undefined) iterator.interrupt();
  const flushed = deltas.finish();
  if (flushed !== undefined) await flushed;
  const unshared = streams.close(stream);
  if (unshared !== undefined) await unshared;
  const body = request.data === undefined ? { text } : { text, data: request.data };
  const seq = await request.reply((s) => encodeStreamFinal(s, stream.id, body, end, replyTo));
  // Connections stop tracking it (a session may open many streams over its life).
  request.telemetry?.end(end);
  const ended = host.fanout.endStream(session, stream.id, streams.shared);
  if (isThenable(ended)) await ended;
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
    await host.fanout.endStream(session, orphan.id, true);
  }
}

/**
 * The open streams of a resumed session (on any node) with their text so far; live deltas
 * meanwhile wait in the outlet and continue from there. Streams of dead nodes are closed.
 */
export function resumeSnapshots<C extends Context>(
  host: PeerHost<C>,
  session: string,
): Promise<StreamSnapshot[]> {
  const { streams } = host;
  const failed = (error: unknown) => {
    host.config.logger.warn?.("open streams unreadable", { error });
    return []; // the client still gets each stream's final message
  };
  if (streams.shared) host.track(closeOrphans(host, session).catch(failed));
  return streams.snapshot(session).catch(failed);
}
