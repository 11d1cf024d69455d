/**
 * The sources a streamed reply reads from (`ctx.replyStream(source)`): async iterables of
 * text, a web `ReadableStream` of text or UTF-8 bytes, and the AI SDK's `streamText()` result.
 * {@link openSource} turns any of them into one async iterator of text chunks whose `return()`
 * stops the producer (cancels the stream, ends the generator). Portable: web globals only.
 * @module
 */

/**
 * The part of a WHATWG `ReadableStream` that botwire reads: `getReader()` and its default
 * reader. Any real `ReadableStream` fits (browsers, Node's `stream/web`, Deno, Bun, workers);
 * declared structurally so that using botwire needs neither the DOM lib nor Node's types.
 * @typeParam T - the chunks the stream yields
 */
export interface ReadableStreamLike<T> {
  /** Locks the stream to a reader, which botwire reads until the end or cancels. */
  getReader(): {
    /** The next chunk, or `done` at the end (rejects when the stream errored). */
    read(): PromiseLike<{
      /** Whether the stream ended. */
      readonly done: boolean;
      /** The chunk (absent at the end). */
      readonly value?: T | undefined;
    }>;
    /** Cancels the stream: its producer is told to stop. */
    cancel(reason?: unknown): PromiseLike<void>;
    /** Unlocks the stream. */
    releaseLock(): void;
  };
}

/**
 * What `ctx.replyStream` accepts:
 * - an `AsyncIterable<string>`, e.g. an `async function*` that yields tokens;
 * - an `Iterable<string>`, e.g. an array of chunks (a plain string is one chunk);
 * - a `ReadableStream` of strings, or of `Uint8Array`s decoded as UTF-8 (a character split
 *   across two chunks is decoded right);
 * - an object with a `textStream`, such as the result of the AI SDK's `streamText()`.
 *
 * Stopping early (a `cancel`, the turn timing out) cancels the stream or calls the
 * iterator's `return()`, so a generator's `finally` runs; pass `ctx.signal` to the model
 * call too, so that a producer waiting for the network stops at once.
 */
export type StreamSource =
  | AsyncIterable<string>
  | Iterable<string>
  | ReadableStreamLike<string | Uint8Array>
  | {
      /** The text chunks (as in the AI SDK's `streamText()` result). */
      readonly textStream: AsyncIterable<string> | ReadableStreamLike<string>;
    };

/** One step of an underlying source, before its chunk is checked. */
type Step = { readonly done?: boolean | undefined; readonly value?: unknown };

/** The underlying source, whichever kind it is. */
interface Puller {
  /** The next raw step (rejects with the source's own error). */
  read(): PromiseLike<Step> | Step;
  /** Tells the producer to stop (cancel the stream, `return()` the iterator). */
  cancel(): PromiseLike<unknown> | unknown;
  /** Lets go of the source once it ended, failed or was cancelled. */
  release(): void;
}

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

/** @internal The text chunks of a source, as {@link openSource} gives them. */
export interface TextChunkIterator extends AsyncIterator<string, undefined> {
  /** Ends the iteration and stops the producer (a pending `next()` may stay unanswered). */
  interrupt(): void;
}

/** Reads the raw steps of a source and hands out text chunks. */
class TextChunks implements TextChunkIterator {
  private decoder: TextDecoder | undefined;
  private finished = false;

  constructor(private readonly puller: Puller) {}

  // Not an async function: one promise per chunk (a stream may have thousands).
  next(): Promise<IteratorResult<string, undefined>> {
    if (this.finished) return Promise.resolve(DONE);
    let read: PromiseLike<Step> | Step;
    try {
      read = this.puller.read();
    } catch (error) {
      this.finish();
      return Promise.reject(error);
    }
    return Promise.resolve(read).then(
      (step) => this.take(step),
      (error: unknown) => {
        // The source failed: it has nothing left to cancel.
        this.finish();
        throw error;
      },
    );
  }

  /**
   * Ends the iteration now and tells the producer to stop, without waiting for it. A
   * pending `next()` may stay unanswered (the source may never answer it): whoever reads
   * stops waiting for it by itself.
   */
  interrupt(): void {
    this.stop().then(undefined, () => undefined);
  }

  private take(
    step: Step,
  ): IteratorResult<string, undefined> | Promise<IteratorResult<string, undefined>> {
    if (this.finished) return DONE; // return() was called while this read was pending
    if (step.done) {
      this.finish();
      // The bytes of an incomplete character at the very end (decoded as U+FFFD).
      const tail = this.decoder?.decode() ?? "";
      return tail === "" ? DONE : { done: false, value: tail };
    }
    const chunk = step.value;
    if (typeof chunk === "string") return { done: false, value: chunk };
    if (chunk instanceof Uint8Array) {
      this.decoder ??= new TextDecoder();
      const text = this.decoder.decode(chunk, { stream: true });
      // Only the start of a character so far: read on.
      return text !== "" ? { done: false, value: text } : this.next();
    }
    // A wrong chunk ends the stream: stop the producer, then report the problem.
    const problem = new TypeError(
      `stream source: a chunk must be a string or a Uint8Array, got ${describe(chunk)}`,
    );
    return this.stop().then(
      () => Promise.reject(problem),
      () => Promise.reject(problem), // the TypeError is what the caller needs to see
    );
  }

  /** Stops early: cancels the stream / calls the source iterator's `return()`. */
  async return(): Promise<IteratorResult<string, undefined>> {
    await this.stop();
    return DONE;
  }

  private async stop(): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    try {
      await this.puller.cancel();
    } finally {
      this.puller.release();
    }
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.puller.release();
  }
}

/**
 * @internal Opens a source: an async iterator of its text chunks. Strings pass through
 * unchanged; `Uint8Array` chunks are decoded as UTF-8 with one streaming decoder; any other
 * chunk makes `next()` reject with a `TypeError` (after stopping the producer). `return()`
 * cancels a `ReadableStream`'s reader or calls the source iterator's `return()`.
 * @param source - what the handler passed to `ctx.replyStream`
 * @returns an iterator of text chunks, to be read to the end or `return()`ed
 * @throws TypeError when `source` is none of the {@link StreamSource} kinds (nothing was
 * opened then)
 */
export function openSource(source: StreamSource): TextChunkIterator {
  const value = source as unknown;
  if (typeof value === "string") return new TextChunks(fromIterator([value][Symbol.iterator]()));
  if (!isObject(value)) throw new TypeError(`stream source: ${EXPECTED}, got ${describe(value)}`);
  // Before the other checks: a streamText() result may itself be iterable in some versions,
  // and what it iterates is not always the text. The getter is read once (each read tees).
  const text = "textStream" in value ? value.textStream : undefined;
  if (text !== undefined) {
    if (isObject(text) && (hasMethod(text, "getReader") || hasMethod(text, Symbol.asyncIterator))) {
      return open(text);
    }
    throw new TypeError(
      `stream source: textStream must be an AsyncIterable or a ReadableStream, got ${describe(text)}`,
    );
  }
  if (ArrayBuffer.isView(value)) {
    throw new TypeError(
      `stream source: ${describe(value)} is not a source; decode it, or pass [bytes] or a ReadableStream`,
    );
  }
  return open(value);
}

const EXPECTED =
  "expected an AsyncIterable<string>, an Iterable<string>, a ReadableStream or an object with a textStream (e.g. the AI SDK's streamText())";

/** Opens a ReadableStream (through its reader) or an (async) iterable. */
function open(value: object): TextChunks {
  if (hasMethod(value, "getReader")) return new TextChunks(fromReader(value));
  if (hasMethod(value, Symbol.asyncIterator)) {
    return new TextChunks(fromIterator(iteratorOf(value, Symbol.asyncIterator, "async iterator")));
  }
  if (hasMethod(value, Symbol.iterator)) {
    return new TextChunks(fromIterator(iteratorOf(value, Symbol.iterator, "iterator")));
  }
  throw new TypeError(`stream source: ${EXPECTED}, got ${describe(value)}`);
}

/** A ReadableStream, read through `getReader()` (older browsers cannot async-iterate one). */
function fromReader(stream: { getReader(): unknown }): Puller {
  const reader = stream.getReader() as ReturnType<ReadableStreamLike<unknown>["getReader"]>;
  if (!isObject(reader) || !hasMethod(reader, "read")) {
    throw new TypeError("stream source: getReader() did not return a reader");
  }
  return {
    read: () => reader.read(),
    cancel: () => reader.cancel(),
    release: () => {
      try {
        reader.releaseLock();
      } catch {
        // Already released, or a reader without locks: nothing to undo.
      }
    },
  };
}

/** A sync or async iterator, as a puller. */
function fromIterator(iterator: { next(): PromiseLike<Step> | Step; return?(): unknown }): Puller {
  return {
    read: () => iterator.next(),
    cancel: () => iterator.return?.(),
    release: () => undefined,
  };
}

function iteratorOf(
  value: object,
  key: symbol,
  what: string,
): { next(): PromiseLike<Step> | Step } {
  const iterator = (value as Record<symbol, () => unknown>)[key]?.call(value);
  if (!isObject(iterator) || !hasMethod(iterator, "next")) {
    throw new TypeError(`stream source: its ${what} has no next() method`);
  }
  return iterator as { next(): PromiseLike<Step> | Step };
}

function isObject(value: unknown): value is object & Record<PropertyKey, unknown> {
  return (typeof value === "object" && value !== null) || typeof value === "function";
}

function hasMethod<K extends PropertyKey>(
  value: object,
  key: K,
): value is Record<K, (...args: never[]) => unknown> {
  return typeof (value as Record<PropertyKey, unknown>)[key] === "function";
}

/** A short description of a value for an error message (never its full content). */
function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") {
    const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
    return typeof name === "string" && name !== "" && name !== "Object" ? `a ${name}` : "an object";
  }
  if (typeof value === "number" || typeof value === "boolean") return `${typeof value} ${value}`;
  return typeof value === "undefined" ? "undefined" : `a ${typeof value}`;
}
