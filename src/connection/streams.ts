/**
 * The open streamed replies of each session. On one node they live here; with a broker
 * (many nodes) each open stream's text so far is also written to the bot's store, so a
 * client that resumes on another node gets a snapshot of it, and a stream whose node died
 * can be found and closed `interrupted`. Internal.
 *
 * Store keys: `botwire:streams:<session>` (the index: stream id → the message it answers)
 * and `botwire:stream:<session>:<id>` (`{ r: replyTo, t: text so far, b: last write }`).
 * The text is written before the deltas that carry it are published, so a node that
 * subscribes, then reads the text, misses nothing in between.
 * @module
 */
import type { Logger } from "../core/logger.js";
import type { ResolvedStreaming } from "../core/streaming.js";
import type { Broker } from "../storage/broker.js";
import { isSessionStore, type Store } from "../storage/store.js";
import { isThenable } from "../util/types.js";

/** A stream open on this node. */
export interface OpenStream {
  readonly id: string;
  readonly session: string;
  /** The client message it answers. */
  readonly replyTo: string | undefined;
  /** The text so far. */
  text: string;
}

/** What a resuming client is sent of an open stream: its id and its text so far. */
export interface StreamSnapshot {
  readonly id: string;
  readonly text: string;
}

/** A stream of a dead node, taken out of the index to be closed. */
export interface Orphan extends StreamSnapshot {
  readonly replyTo: string | undefined;
}

type Index = Record<string, string>;
interface Stored {
  r?: string;
  t: string;
  b: number;
}

type StreamsConfig = {
  broker: Broker | undefined;
  logger: Logger;
  store: Store;
  ttlMs: number;
  streaming: ResolvedStreaming;
};

const indexKey = (session: string) => `botwire:streams:${session}`;
const streamKey = (session: string, id: string) => `botwire:stream:${session}:${id}`;

/** The open streams: on this node, and (with a broker) in the store for the others. */
export class Streams {
  private readonly local = new Map<string, Map<string, OpenStream>>();

  constructor(private readonly config: StreamsConfig) {}

  /** Whether streams are shared with other nodes through the store. */
  get shared(): boolean {
    return this.config.broker !== undefined;
  }

  /** Registers a stream that opened on this node (synchronous on one node). */
  open(stream: OpenStream): Promise<void> | undefined {
    let streams = this.local.get(stream.session);
    if (streams === undefined) {
      streams = new Map();
      this.local.set(stream.session, streams);
    }
    streams.set(stream.id, stream);
    return this.shared ? this.share(stream) : undefined;
  }

  private async share(stream: OpenStream): Promise<void> {
    try {
      await this.write(stream, stream.text);
      await this.updateIndex(stream.session, (index) => {
        index[stream.id] = stream.replyTo ?? "";
        return true;
      });
    } catch (error) {
      // The stream still goes on here; a client resuming elsewhere gets its final only.
      this.config.logger.warn?.("open stream not shared: the store failed", { error });
    }
  }

  /** Writes a stream's text so far to the store (shared streams only). */
  async write(stream: OpenStream, text: string): Promise<void> {
    if (!this.shared) return;
    const value: Stored = { t: text, b: Date.now() };
    if (stream.replyTo !== undefined) value.r = stream.replyTo;
    await this.config.store.set(streamKey(stream.session, stream.id), value, this.config.ttlMs);
  }

  /** Unregisters a stream that is about to send its final message (synchronous on one node). */
  close(stream: OpenStream): Promise<void> | undefined {
    const streams = this.local.get(stream.session);
    streams?.delete(stream.id);
    if (streams?.size === 0) this.local.delete(stream.session);
    return this.shared ? this.unshare(stream) : undefined;
  }

  private async unshare(stream: OpenStream): Promise<void> {
    try {
      await this.updateIndex(stream.session, (index) => delete index[stream.id]);
      await this.config.store.delete(streamKey(stream.session, stream.id));
    } catch (error) {
      // The final message must go out all the same; the record expires with the session.
      this.config.logger.warn?.("closed stream not unshared: the store failed", { error });
    }
  }

  /** The open streams of a session with their text so far, for a resuming client. */
  async snapshot(session: string): Promise<StreamSnapshot[]> {
    const mine = [...(this.local.get(session)?.values() ?? [])];
    const out: StreamSnapshot[] = mine.map(({ id, text }) => ({ id, text }));
    for (const { id, stored, stale } of await this.elsewhere(session)) {
      if (stored !== undefined && !stale) out.push({ id, text: stored.t });
    }
    return out;
  }

  /**
   * The streams of `session` in the store that this node does not run, with their records
   * (`undefined` when gone) and whether they are stale (not written for 3 heartbeats).
   */
  private async elsewhere(session: string) {
    if (!this.shared) return [];
    const stale = Date.now() - 3 * this.config.streaming.heartbeatMs;
    const mine = this.local.get(session);
    const out: Array<{ id: string; replyTo: string; stored?: Stored; stale: boolean }> = [];
    for (const [id, replyTo] of Object.entries((await this.readIndex(session)) ?? {})) {
      if (mine?.has(id) === true) continue;
      const stored = await this.read(session, id);
      out.push({ id, replyTo, ...(stored && { stored }), stale: (stored?.b ?? 0) < stale });
    }
    return out;
  }

  /**
   * Takes the streams of `session` that no live node writes any more — whose node died —
   * out of the index, with their text so far, for the caller to close `interrupted`. Those
   * answering `replyTo` are taken however recent: its message is being handled again, so
   * their node lost its claim. Each orphan is taken by one caller only.
   */
  async orphans(session: string, replyTo?: string): Promise<Orphan[]> {
    const found: Orphan[] = [];
    for (const { id, replyTo: to, stored, stale } of await this.elsewhere(session)) {
      const answers = replyTo !== undefined && to === replyTo;
      if (stored === undefined || answers || stale) {
        found.push({ id, replyTo: to === "" ? undefined : to, text: stored?.t ?? "" });
      }
    }
    const taken: Orphan[] = [];
    for (const orphan of found) {
      // Taken only by the caller that removes it: another node may have taken it (or its own
      // node closed it) since the index was read.
      const took = await this.updateIndex(session, (current) => {
        if (!(orphan.id in current)) return false;
        delete current[orphan.id];
        return true;
      });
      if (!took) continue;
      taken.push(orphan);
      await this.config.store.delete(streamKey(session, orphan.id));
    }
    return taken;
  }

  private async read(session: string, id: string): Promise<Stored | undefined> {
    const value = (await this.config.store.get(streamKey(session, id))) as Partial<Stored> | null;
    if (typeof value?.t !== "string" || typeof value.b !== "number") return undefined;
    return { t: value.t, b: value.b, ...(typeof value.r === "string" && { r: value.r }) };
  }

  private async readIndex(session: string): Promise<Index | undefined> {
    const value = await this.config.store.get(indexKey(session));
    return typeof value === "object" && value !== null ? (value as Index) : undefined;
  }

  /**
   * Changes a session's index with `change` (which returns whether it changed anything),
   * atomically when the store can compare-and-set. Resolves with whether this call made
   * the change (`false` when `change` found nothing to do, e.g. another node took it first).
   */
  private async updateIndex(session: string, change: (index: Index) => boolean): Promise<boolean> {
    const { store, ttlMs } = this.config;
    const key = indexKey(session);
    if (!isSessionStore(store)) {
      const index = (await this.readIndex(session)) ?? {};
      if (!change(index)) return false;
      await store.set(key, index, ttlMs);
      return true;
    }
    for (let attempt = 0; attempt < 20; attempt++) {
      const current = await store.getVersioned(key);
      const index = { ...((current?.value as Index | undefined) ?? {}) };
      if (!change(index)) return false;
      const written =
        Object.keys(index).length === 0 && current === undefined
          ? true
          : store.compareAndSet(key, index, current?.version, ttlMs);
      if (isThenable(written) ? await written : written) return true;
    }
    throw new Error("the open streams of a session changed too often to update");
  }
}

/** @internal For tests: the store keys of a session's streams. */
export const streamKeys = { index: indexKey, stream: streamKey } as const;
