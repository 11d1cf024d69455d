/**
 * Peer: the protocol state machine of one connection. Frames come in, are parsed and
 * queued in arrival order; each message runs the middleware chain with a fresh Context.
 * @module
 */
import { CloseCode, ErrorCode } from "../protocol/codes.js";
import { encodeError, encodeReceipt, encodeWelcome } from "../protocol/encode.js";
import type { HelloFrame, MessageFrame } from "../protocol/frames.js";
import { parseClientFrame } from "../protocol/parse.js";
import { run } from "./compose.js";
import { Context, type ContextConnection, type UpdateKind } from "./context.js";
import { ClientError, SessionLostError } from "./errors.js";
import { authenticate, HandshakeRejection, ownerOf } from "./handshake.js";
import type { Claim, OutboxEntry } from "./ledger.js";
import { TokenBucket, ViolationCounter } from "./limits.js";
import { isPending } from "./maybe.js";
import type { Runtime } from "./runtime.js";
import type { Connection, ConnectionListener } from "./transport.js";
import { isThenable, type MaybePromise } from "./types.js";
import { UpdateSink } from "./update-sink.js";

type State = "new" | "handshaking" | "ready" | "closed";

/** The claim lease assumed for a ledger that renews claims but does not say how long they hold. */
const DEFAULT_CLAIM_LEASE_MS = 10_000;

/** A unit of a connection's work: a handshake, a message, the disconnect update. */
type Task = () => unknown;

interface QueuedTask {
  task: Task;
  /** Runs even after the connection closed (the disconnect update). */
  evenIfClosed: boolean;
}

/** One connection's protocol state. Created by the runtime for each connection. */
export class Peer<C extends Context> implements ConnectionListener {
  private state: State = "new";
  private session: string | undefined;
  private user: unknown;
  private resumed = false;
  /** Highest seq written to this connection; replays and live pushes below it are skipped. */
  private sentSeq = 0;
  /** Live entries that arrived during the handshake, sent after the welcome. */
  private early: OutboxEntry[] | undefined = [];
  /** Tasks waiting behind the running one, oldest first (made when first needed). */
  private backlog: QueuedTask[] | undefined;
  /** Whether a task is running (synchronously right now, or waiting for its promise). */
  private running = false;
  /** Tasks queued or running. */
  private tasks = 0;
  /** Callers of `drained()` waiting for the queue to empty. */
  private waiters: Array<() => void> | undefined;
  /** Highest acked seq, and whether a ledger ack is in flight. */
  private ackSeq = 0;
  private acking = false;
  /** The session this peer attached to before its handshake finished (a resume attempt). */
  private resuming: string | undefined;
  private helloTimer: ReturnType<typeof setTimeout> | undefined;
  // Created on first use: most connections of a busy server sit idle, and every byte per
  // connection counts at 10 000 of them.
  private bucket: TokenBucket | undefined;
  private violations: ViolationCounter | undefined;
  private readonly info: ContextConnection;

  constructor(
    private readonly runtime: Runtime<C>,
    private readonly connection: Connection,
    helloTimeoutMs: number,
  ) {
    this.info = { id: connection.id, ...connection.info };
    this.helloTimer = setTimeout(
      () => this.close(CloseCode.HelloTimeout, "hello timeout"),
      helloTimeoutMs,
    );
    // Do not keep a process alive just to time out a handshake.
    (this.helloTimer as { unref?: () => void }).unref?.();
  }

  // ── Transport events ──────────────────────────────────────────────────────

  message(raw: string): void {
    if (this.state === "closed") return;
    const parsed = parseClientFrame(raw, this.runtime.config.limits);
    if (!parsed.ok) return this.violation(parsed.code, parsed.message, parsed.replyTo);
    const frame = parsed.frame;
    switch (frame.type) {
      case "hello":
        if (this.state !== "new")
          return this.violation(ErrorCode.BadRequest, "hello must be the first frame");
        this.state = "handshaking";
        return this.enqueue(() => this.handshake(frame));
      case "ack":
        if (this.session === undefined)
          return this.violation(ErrorCode.BadRequest, "ack before welcome");
        return this.ack(this.session, frame.seq);
      case "message": {
        const { limits } = this.runtime.config;
        // A bucket starts full, so making it now is the same as making it at connect.
        this.bucket ??= new TokenBucket(limits.messagesPerSecond, limits.burst);
        const waitMs = this.bucket.take();
        if (waitMs > 0) {
          return this.violation(ErrorCode.RateLimited, "too many messages", frame.id, waitMs);
        }
        if (this.tasks >= limits.maxQueuedMessages) {
          // A slow handler: refuse instead of queueing (and holding frames) without bound.
          return this.violation(ErrorCode.RateLimited, "too many messages waiting", frame.id, 1000);
        }
        if (this.state === "new") {
          this.state = "handshaking";
          this.enqueue(() => this.handshake(undefined));
        }
        // Timing only matters to someone listening for "handled".
        const arrived = this.runtime.config.events.listenerCount("handled") > 0 ? Date.now() : 0;
        return this.enqueue(() => this.handleMessage(frame, arrived));
      }
    }
  }

  /**
   * Acks are coalesced: one ledger call in flight per connection, always for the highest
   * seq seen, so a flood of acks costs the store at most one call at a time.
   */
  private ack(session: string, seq: number): void {
    if (seq <= this.ackSeq) return;
    this.ackSeq = seq;
    if (this.acking) return;
    this.acking = true;
    const { ledger, logger } = this.runtime.config;
    const loop = async () => {
      let done = 0;
      try {
        while (done < this.ackSeq) {
          done = this.ackSeq;
          await ledger.ack(session, done);
        }
      } catch (error) {
        logger.error?.("ack failed", { error });
      } finally {
        this.acking = false;
      }
    };
    this.runtime.track(loop());
  }

  binary(): void {
    this.violation(ErrorCode.BadRequest, "binary frames are not supported; send JSON text");
  }

  close(code: number, reason: string): void {
    if (this.state === "closed") return;
    const wasReady = this.state === "ready";
    this.state = "closed";
    clearTimeout(this.helloTimer);
    if (this.session !== undefined) this.runtime.detach(this.session, this);
    if (this.resuming !== undefined) this.runtime.detach(this.resuming, this);
    this.early = undefined;
    try {
      this.connection.close(code, reason);
    } catch {
      // The socket may already be gone; closing is best effort.
    }
    this.runtime.emit("disconnect", {
      connectionId: this.connection.id,
      sessionId: this.session,
      code,
      reason,
    });
    // Let queued messages finish first, then tell the bot.
    if (wasReady) this.enqueue(() => this.runUpdate("disconnect", undefined), true);
    // After the disconnect task is queued, so the runtime's idle() waits for it too.
    this.runtime.forget(this);
  }

  /** A method, so TypeScript does not narrow `state` across awaits. */
  private isClosed(): boolean {
    return this.state === "closed";
  }

  // ── Outgoing ──────────────────────────────────────────────────────────────

  /** Sends an outbox entry unless this connection already has it. */
  push(entry: OutboxEntry): void {
    if (this.early !== undefined) {
      this.early.push(entry);
      return;
    }
    if (entry.seq <= this.sentSeq) return;
    this.sentSeq = entry.seq;
    this.write(entry.frame);
  }

  private write(frame: string): void {
    if (this.state === "closed") return;
    if (this.connection.bufferedAmount > this.runtime.config.limits.maxBufferedBytes) {
      // A peer that does not read must not make the server buffer without bound.
      return this.close(CloseCode.TryAgainLater, "slow reader");
    }
    this.connection.send(frame);
  }

  private sendError(code: ErrorCode, message: string, replyTo?: string, retryAfterMs?: number) {
    this.write(encodeError(code, message, replyTo, retryAfterMs));
  }

  private violation(code: ErrorCode, message: string, replyTo?: string, retryAfterMs?: number) {
    this.runtime.emit("violation", {
      connectionId: this.connection.id,
      code,
      message,
    });
    const { limits } = this.runtime.config;
    this.violations ??= new ViolationCounter(limits.maxViolations, limits.violationWindowMs);
    if (this.violations.add())
      return this.close(CloseCode.TooManyViolations, "too many violations");
    this.sendError(code, message, replyTo, retryAfterMs);
  }

  // ── Handshake ─────────────────────────────────────────────────────────────

  /**
   * Runs `task` after everything queued before it: right away when nothing is running, and
   * the next one as soon as it finishes, synchronously when it finished synchronously.
   */
  private enqueue(task: Task, evenIfClosed = false): void {
    this.tasks++;
    if (!this.running) return this.pump(task, evenIfClosed);
    if (this.backlog === undefined) this.backlog = [];
    this.backlog.push({ task, evenIfClosed });
  }

  private pump(first: Task, firstEvenIfClosed: boolean): void {
    let task = first;
    let evenIfClosed = firstEvenIfClosed;
    for (;;) {
      this.running = true;
      let result: unknown;
      try {
        if (evenIfClosed || this.state !== "closed") result = task();
      } catch (error) {
        this.taskFailed(error);
      }
      if (isPending(result)) {
        result.then(
          () => this.resume(),
          (error: unknown) => {
            this.taskFailed(error);
            this.resume();
          },
        );
        return;
      }
      const next = this.finishTask();
      if (next === undefined) return;
      task = next.task;
      evenIfClosed = next.evenIfClosed;
    }
  }

  private resume(): void {
    const next = this.finishTask();
    if (next !== undefined) this.pump(next.task, next.evenIfClosed);
  }

  /** Books the end of the running task; returns the next one to run, if any. */
  private finishTask(): QueuedTask | undefined {
    this.running = false;
    this.tasks--;
    const next = this.backlog?.shift();
    if (this.tasks === 0) {
      if (this.state === "closed") this.runtime.drained(this);
      const waiters = this.waiters;
      this.waiters = undefined;
      if (waiters !== undefined) for (const wake of waiters) wake();
    }
    return next;
  }

  private taskFailed(error: unknown): void {
    this.runtime.config.logger.error?.("connection task failed", { error });
    this.close(CloseCode.Internal, "internal error");
  }

  /** @internal Resolves once every task queued so far has run. */
  drained(): Promise<void> {
    if (this.tasks === 0) return Promise.resolve();
    return new Promise((resolve) => {
      if (this.waiters === undefined) this.waiters = [];
      this.waiters.push(resolve);
    });
  }

  /** @internal Whether tasks are queued or running. */
  get busy(): boolean {
    return this.tasks > 0;
  }

  private async handshake(hello: HelloFrame | undefined): Promise<void> {
    const { ledger, logger } = this.runtime.config;
    const outcome = await authenticate(this.runtime.hooks, hello?.token, this.connection.info);
    if ("rejected" in outcome) {
      const { rejected } = outcome;
      if (!(rejected instanceof HandshakeRejection)) {
        logger.error?.("handshake hook failed", { error: rejected });
        this.sendError(ErrorCode.Internal, "internal error");
        return this.close(CloseCode.Internal, "internal error");
      }
      this.sendError(rejected.code, rejected.message);
      return this.close(rejected.closeCode, rejected.message);
    }
    if (this.isClosed()) return;
    this.user = outcome.user;
    // Attach before opening so live messages sent meanwhile are buffered, not missed.
    if (hello?.session !== undefined) {
      this.resuming = hello.session;
      await this.runtime.attach(hello.session, this);
    }
    const owner = ownerOf(this.user);
    const opened = await ledger.open({
      ...(hello?.session !== undefined && { session: hello.session }),
      ...(hello?.lastSeq !== undefined && { lastSeq: hello.lastSeq }),
      ...(owner !== undefined && { owner }),
    });
    this.resuming = undefined;
    if (hello?.session !== undefined && opened.session !== hello.session) {
      this.runtime.detach(hello.session, this);
      // Live messages buffered meanwhile belong to that (foreign or expired) session.
      this.early = [];
    }
    // Closed while the ledger answered: close() already detached `resuming`.
    if (this.isClosed()) return;
    this.session = opened.session;
    this.resumed = opened.resumed;
    await this.runtime.attach(opened.session, this);
    if (this.isClosed()) return this.runtime.detach(opened.session, this);
    clearTimeout(this.helloTimer);
    this.helloTimer = undefined; // frees the timer and its closure for the connection's life
    this.sentSeq = opened.resumed ? Math.min(hello?.lastSeq ?? 0, opened.seq) : 0;
    this.write(encodeWelcome(opened.session, opened.resumed, opened.seq, opened.gap));
    const early = this.early ?? [];
    this.early = undefined;
    for (const entry of opened.replay) this.push(entry);
    for (const entry of early) this.push(entry);
    this.state = "ready";
    this.runtime.emit("connect", {
      connectionId: this.connection.id,
      sessionId: opened.session,
      resumed: opened.resumed,
      user: this.user,
    });
    await this.runUpdate("connect", undefined);
  }

  // ── Messages ──────────────────────────────────────────────────────────────

  /**
   * Handles one message: claims its id (dedup), runs the chain, records the replies.
   * Synchronous from end to end when the ledger, the store and the handlers are.
   */
  private handleMessage(frame: MessageFrame, arrived: number): MaybePromise<void> {
    const session = this.session;
    if (session === undefined || this.state !== "ready") return;
    const id = frame.id;
    if (id === undefined) return this.process(session, frame, arrived);
    let claim: MaybePromise<Claim>;
    try {
      claim = this.runtime.config.ledger.claim(session, id);
    } catch (error) {
      return this.claimFailed(error, id);
    }
    if (!isThenable(claim)) return this.claimed(session, frame, arrived, claim);
    return claim.then(
      (found) => this.claimed(session, frame, arrived, found),
      (error: unknown) => this.claimFailed(error, id),
    );
  }

  private claimed(
    session: string,
    frame: MessageFrame,
    arrived: number,
    claim: Claim,
  ): MaybePromise<void> {
    const id = frame.id as string;
    switch (claim.state) {
      case "new": {
        const handling = this.process(session, frame, arrived);
        // Synchronous handling needs no renewal: no timer, no allocation on the hot path.
        return isPending(handling) ? this.holdClaim(session, id, handling) : handling;
      }
      case "pending":
        return this.waitForClaim(session, id).then(
          (found) =>
            found.state === "pending" ? undefined : this.claimed(session, frame, arrived, found),
          (error: unknown) => this.claimFailed(error, id),
        );
      case "done":
        // A re-sent message: replay what it produced instead of handling it twice.
        for (const entry of claim.replies) this.write(entry.frame);
        if (claim.replies.length === 0) this.write(encodeReceipt(id));
    }
  }

  /**
   * Keeps the claim on `id` while its handling goes on asynchronously: a ledger whose claims
   * expire (Redis) gets `renewClaim` every third of its lease, so a slow handler's message is
   * not taken over and run again when the client re-sends it (maybe to another node). The
   * renewal lasts as long as the handling, even if this connection closes meanwhile: the
   * handler still runs and its replies still reach the outbox for the client's next resume.
   */
  private holdClaim(session: string, id: string, handling: Promise<void>): Promise<void> {
    const { ledger, logger } = this.runtime.config;
    if (ledger.renewClaim === undefined) return handling;
    const failed = (error: unknown) => logger.warn?.("ledger claim renewal failed", { error });
    const renew = () => {
      try {
        const done = ledger.renewClaim?.(session, id);
        if (isThenable(done)) done.then(undefined, failed);
      } catch (error) {
        failed(error);
      }
    };
    const leaseMs = ledger.claimLeaseMs ?? DEFAULT_CLAIM_LEASE_MS;
    const timer = setInterval(renew, Math.max(1, Math.floor(leaseMs / 3)));
    // A renewal never keeps a process alive by itself.
    (timer as { unref?: () => void }).unref?.();
    return handling.then(
      () => clearInterval(timer),
      (error: unknown) => {
        clearInterval(timer);
        throw error;
      },
    );
  }

  private claimFailed(error: unknown, id: string): void {
    // The client gets an error naming this message and may send it again later.
    this.runtime.config.logger.error?.("ledger claim failed", { error });
    if (error instanceof SessionLostError) return this.close(CloseCode.Internal, "session lost");
    this.sendError(ErrorCode.Internal, "internal error", id);
  }

  private process(session: string, frame: MessageFrame, arrived: number): MaybePromise<void> {
    const replySeqs: number[] = [];
    const failed = this.runUpdate("message", frame, replySeqs);
    return isThenable(failed)
      ? failed.then((f) => this.settle(session, frame, arrived, replySeqs, f))
      : this.settle(session, frame, arrived, replySeqs, failed);
  }

  /** Records in the ledger what a handled message produced, then tells the client and the bot. */
  private settle(
    session: string,
    frame: MessageFrame,
    arrived: number,
    replySeqs: number[],
    failed: boolean,
  ): MaybePromise<void> {
    const id = frame.id;
    if (id === undefined) return this.handled(session, frame, arrived, replySeqs, failed);
    const { ledger } = this.runtime.config;
    let done: MaybePromise<void>;
    try {
      // A failed message that produced nothing may be re-sent and run again (e.g. after a
      // store outage); once it replied, a re-send replays those replies instead.
      done =
        failed && replySeqs.length === 0
          ? ledger.release(session, id)
          : ledger.settle(session, id, replySeqs);
    } catch (error) {
      done = Promise.reject(error);
    }
    if (!isThenable(done)) return this.handled(session, frame, arrived, replySeqs, failed);
    const next = () => this.handled(session, frame, arrived, replySeqs, failed);
    return done.then(next, (error: unknown) => {
      this.runtime.config.logger.error?.("ledger settle failed", { error });
      next();
    });
  }

  private handled(
    session: string,
    frame: MessageFrame,
    arrived: number,
    replySeqs: number[],
    failed: boolean,
  ): void {
    const id = frame.id;
    if (id !== undefined && replySeqs.length === 0 && !failed) this.write(encodeReceipt(id));
    if (this.runtime.config.events.listenerCount("handled") > 0) {
      this.runtime.emit("handled", {
        connectionId: this.connection.id,
        sessionId: session,
        id,
        failed,
        durationMs: arrived === 0 ? 0 : Date.now() - arrived,
      });
    }
  }

  /**
   * While another connection (maybe on another node) is handling the same message id,
   * waits for it to finish, then replays its replies; a claim whose node died expires in
   * the ledger and is taken over.
   */
  private async waitForClaim(session: string, id: string): Promise<Claim> {
    const { ledger } = this.runtime.config;
    for (let delay = 10; ; delay = Math.min(delay * 2, 500)) {
      await new Promise((resolve) => setTimeout(resolve, delay));
      const claim = await ledger.claim(session, id);
      if (claim.state !== "pending" || this.isClosed()) return claim;
    }
  }

  /** Runs the chain for one update; returns whether it failed. */
  private runUpdate(
    update: UpdateKind,
    message: MessageFrame | undefined,
    replySeqs?: number[],
  ): MaybePromise<boolean> {
    const session = this.session;
    if (session === undefined) return false;
    const runtime = this.runtime;
    const replyTo = message?.id;
    const ctx = new Context({
      update,
      connection: this.info,
      sessionId: session,
      message,
      user: this.user,
      resumed: this.resumed,
      services: runtime.config.services,
      sink: new UpdateSink(runtime, session, replyTo, replySeqs),
    }) as C;
    const chain = run(runtime.handler, ctx);
    if (isPending(chain)) {
      return chain.then(
        () => this.sent(ctx, replyTo),
        (error: unknown) => this.failed(error, ctx, replyTo),
      );
    }
    return this.sent(ctx, replyTo);
  }

  /** After the chain: waits for sends still on their way to the outbox. */
  private sent(ctx: C, replyTo: string | undefined): MaybePromise<boolean> {
    if (!ctx.sending) return false;
    return ctx.settled().then(
      () => false,
      (error: unknown) => this.failed(error, ctx, replyTo),
    );
  }

  private async failed(error: unknown, ctx: C, replyTo: string | undefined): Promise<boolean> {
    await ctx.settled().catch(() => undefined);
    await this.fail(error, ctx, replyTo);
    return true;
  }

  private async fail(error: unknown, ctx: C, replyTo: string | undefined): Promise<void> {
    if (error instanceof ClientError) {
      this.sendError(error.code, error.message, replyTo, error.options.retryAfterMs);
      if (error.options.closeCode !== undefined) this.close(error.options.closeCode, error.message);
      return;
    }
    await this.runtime.config.report(error, ctx);
    const { exposeErrors } = this.runtime.config;
    const text = exposeErrors && error instanceof Error ? error.message : "internal error";
    this.sendError(ErrorCode.Internal, text, replyTo);
    // Replies cannot be stored for a session that is gone: start over on a new connection.
    if (error instanceof SessionLostError) this.close(CloseCode.Internal, "session lost");
  }
}
