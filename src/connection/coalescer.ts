/**
 * Coalesces a stream's text into delta frames: the first piece goes out at once, later ones
 * at most once per `deltaIntervalMs`, each at most `maxDeltaChars` long. Peers on this node
 * get them directly. With a broker, the text so far is written to the store first and then
 * published to the other nodes, one write at a time (a slow store makes bigger deltas, never
 * a queue), and rewritten every `heartbeatMs` so other nodes can tell the stream is alive.
 * Internal.
 * @module
 */
import type { Context } from "../core/context.js";
import type { StreamTelemetry } from "../core/telemetry.js";
import { isThenable } from "../util/types.js";
import type { PeerHost } from "./host.js";
import type { OpenStream } from "./streams.js";

/** Sends a stream's deltas. */
export class Coalescer<C extends Context> {
  /** How much of the text went to the peers on this node, and to the other nodes. */
  private localSent = 0;
  private remoteSent = 0;
  private lastFlush = 0;
  private lastWrite = Date.now();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private heartbeat: ReturnType<typeof setInterval> | undefined;
  /** The write-then-publish loop to other nodes, while it runs. */
  private remote: Promise<void> | undefined;

  constructor(
    private readonly host: PeerHost<C>,
    private readonly stream: OpenStream,
    private readonly telemetry: StreamTelemetry | undefined = undefined,
  ) {
    if (!host.streams.shared) return;
    const { heartbeatMs } = host.streaming;
    this.heartbeat = setInterval(() => {
      if (Date.now() - this.lastWrite >= heartbeatMs) this.startPump();
    }, heartbeatMs);
    (this.heartbeat as { unref?: () => void }).unref?.();
  }

  /** The stream's text grew. */
  push(): void {
    if (this.timer !== undefined) return;
    const interval = this.host.streaming.deltaIntervalMs;
    const now = Date.now();
    if (now - this.lastFlush >= interval) return this.flush();
    // Due on the next tick of a clock shared by all streams (a multiple of the interval),
    // so the streams of a busy node flush together, in one timer run, not scattered.
    const due = Math.ceil((this.lastFlush + interval) / interval) * interval;
    this.timer = setTimeout(() => this.flush(), due - now);
  }

  private flush(): void {
    this.timer = undefined;
    this.lastFlush = Date.now();
    const { text, session, id } = this.stream;
    const max = this.host.streaming.maxDeltaChars;
    for (let at = this.localSent; at < text.length; at += max) {
      this.host.fanout.localDelta(session, id, at, text.slice(at, at + max));
      this.telemetry?.delta();
    }
    this.localSent = text.length;
    if (this.host.streams.shared) this.startPump();
  }

  /** Starts the write-then-publish loop unless it runs already. */
  private startPump(): void {
    if (this.remote !== undefined) return;
    this.remote = this.pump().finally(() => {
      this.remote = undefined;
    });
  }

  /** Writes the text so far to the store, then publishes what other nodes lack; repeats until caught up. */
  private async pump(): Promise<void> {
    const { session, id } = this.stream;
    const { logger } = this.host.config;
    const max = this.host.streaming.maxDeltaChars;
    do {
      const text = this.stream.text;
      try {
        this.lastWrite = Date.now();
        await this.host.streams.write(this.stream, text);
      } catch (error) {
        logger.warn?.("stream text write failed", { error });
      }
      for (let at = this.remoteSent; at < text.length; at += max) {
        const sent = this.host.fanout.remoteDelta(session, id, at, text.slice(at, at + max));
        if (isThenable(sent)) await sent;
      }
      this.remoteSent = text.length;
    } while (this.remoteSent < this.localSent);
  }

  /**
   * The stream ends: what is left goes out now (so the deltas add up to the final text);
   * resolves once the last ones reached the broker.
   */
  finish(): Promise<void> | undefined {
    clearTimeout(this.timer);
    clearInterval(this.heartbeat);
    if (this.localSent < this.stream.text.length) this.flush();
    this.timer = undefined;
    return this.host.streams.shared ? this.finishRemote() : undefined;
  }

  private async finishRemote(): Promise<void> {
    await this.remote;
    if (this.remoteSent < this.stream.text.length) await this.pump();
  }
}
