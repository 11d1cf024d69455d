/**
 * Peer: the protocol state machine of one connection. Frames come in, are parsed and checked
 * against the flood guard, and queued in arrival order (see `SerialQueue`); the handshake
 * opens or resumes the session, each message is delivered at most once (see `delivery.ts`),
 * and the outbox entries of the session are written out here, each once, in seq order.
 * @module
 */
import type { Context, ContextConnection, UpdateKind } from "../core/context.js";
import { authenticate, HandshakeRejection, ownerOf } from "../core/handshake.js";
import type { ConnectionTelemetry } from "../core/telemetry.js";
import type { Connection, ConnectionListener } from "../core/transport.js";
import { CloseCode, ErrorCode } from "../protocol/codes.js";
import { encodeError, encodeWelcome } from "../protocol/encode.js";
import type { HelloFrame, MessageFrame } from "../protocol/frames.js";
import { parseClientFrame } from "../protocol/parse.js";
import { addressKey } from "../util/ip.js";
import type { MaybePromise } from "../util/types.js";
import { AckCoalescer } from "./acks.js";
import { type DeliveryPeer, deliverMessage } from "./delivery.js";
import { FloodGuard, type Refusal } from "./guard.js";
import type { LivePeer, PeerHost } from "./host.js";
import { Outlet } from "./outlet.js";
import { SerialQueue } from "./queue.js";
import { resumeSnapshots } from "./stream.js";
import { runTurn } from "./turn.js";

type State = "new" | "handshaking" | "ready" | "closed";

/** One connection's protocol state. Created by the hub for each connection. */
export class Peer<C extends Context>
  extends SerialQueue
  implements ConnectionListener, LivePeer, DeliveryPeer
{
  private state: State = "new";
  /** The protocol session, once welcomed. */
  session: string | undefined;
  /** The authenticated user, once the handshake ran. */
  user: unknown;
  /** Whether this connection resumed an earlier session. */
  resumed = false;
  /** What is written to this connection (entries once and in order, deltas, activities). */
  readonly outlet = new Outlet(
    (frame) => this.write(frame),
    () => this.close(CloseCode.TryAgainLater, "out of sync"),
  );
  private acks: AckCoalescer<C> | undefined; // made on the first ack
  /** Cancels that arrived before the session was known. */
  private cancels: string[] | undefined;
  /** The session this peer attached to before its handshake finished (a resume attempt). */
  private resuming: string | undefined;
  private helloTimer: ReturnType<typeof setTimeout> | undefined;
  /** Made on first use: most connections sit idle, and every byte counts at 10 000 of them. */
  private guard: FloodGuard | undefined;
  /** Connection details handed to every context. */
  readonly info: ContextConnection;
  /** The connection's telemetry, when the bot has a `telemetry` option. */
  private readonly tel: ConnectionTelemetry | undefined;

  constructor(
    private readonly host: PeerHost<C>,
    private readonly connection: Connection,
    helloTimeoutMs: number,
  ) {
    super();
    this.info = { id: connection.id, ...connection.info };
    this.tel = host.config.telemetry?.connection(connection.id);
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
    const parsed = parseClientFrame(raw, this.host.config.limits);
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
        this.acks ??= new AckCoalescer(this.host);
        return this.acks.ack(this.session, frame.seq);
      case "cancel": {
        // Not queued: it must reach the turn that is running now. A cancel for a message
        // that is not running (finished, unknown, another session's) changes nothing.
        const refusal = this.flood().check(Date.now(), this.queued);
        if (refusal !== undefined) return this.refuse(frame.id, refusal);
        if (this.session !== undefined) return void this.host.turns.cancel(this.session, frame.id);
        // Before the welcome: applied once the session is known (a few at most).
        this.cancels ??= [];
        if (this.cancels.length < 16) this.cancels.push(frame.id);
        return;
      }
      case "message": {
        const arrived = Date.now();
        const refusal = this.flood().check(arrived, this.queued);
        if (refusal !== undefined) return this.refuse(frame.id, refusal);
        if (this.state === "new") {
          this.state = "handshaking";
          this.enqueue(() => this.handshake(undefined));
        }
        return this.enqueue(() => this.handleMessage(frame, arrived));
      }
    }
  }

  binary(): void {
    if (this.state === "closed") return;
    this.violation(ErrorCode.BadRequest, "binary frames are not supported; send JSON text");
  }

  close(code: number, reason: string): void {
    if (this.state === "closed") return;
    const wasReady = this.state === "ready";
    this.state = "closed";
    clearTimeout(this.helloTimer);
    this.tel?.closed(code);
    if (this.session !== undefined) this.host.detach(this.session, this);
    if (this.resuming !== undefined) this.host.detach(this.resuming, this);
    this.outlet.close();
    try {
      this.connection.close(code, reason);
    } catch {
      // The socket may already be gone; closing is best effort.
    }
    this.host.emit("disconnect", {
      connectionId: this.connection.id,
      sessionId: this.session,
      code,
      reason,
    });
    // Let queued messages finish first, then tell the bot.
    if (wasReady) this.enqueue(() => this.runUpdate("disconnect"), true);
    // After the disconnect task is queued, so the runtime's idle() waits for it too.
    this.host.forget(this);
  }

  /** Whether the connection closed (a method: TypeScript must not narrow `state` across awaits). */
  isClosed(): boolean {
    return this.state === "closed";
  }

  // ── Outgoing ──────────────────────────────────────────────────────────────

  /** Writes a frame unless closed; a peer that does not read is closed instead. */
  write(frame: string): void {
    if (this.state === "closed") return;
    if (this.connection.bufferedAmount > this.host.config.limits.maxBufferedBytes) {
      // A peer that does not read must not make the server buffer without bound.
      return this.close(CloseCode.TryAgainLater, "slow reader");
    }
    this.connection.send(frame);
  }

  /** Adds what this connection has not acknowledged, and its socket not written, to `into`. */
  outstanding(into: { messages: number; bytes: number }): void {
    into.messages += this.outlet.unacked(this.acks?.acked ?? 0);
    into.bytes += this.connection.bufferedAmount;
  }

  /** Writes an `error` frame. */
  sendError(code: ErrorCode, message: string, replyTo?: string, retryAfterMs?: number): void {
    this.write(encodeError(code, message, replyTo, retryAfterMs));
  }

  /** The connection's flood guard, made on first use. */
  private flood(): FloodGuard {
    this.guard ??= new FloodGuard(this.host, addressKey(this.info.remoteAddress));
    return this.guard;
  }

  private refuse(id: string | undefined, { message, retryAfterMs, counts }: Refusal): void {
    this.violation(ErrorCode.RateLimited, message, id, retryAfterMs, counts);
  }

  /** Refuses a frame; `counts`: whether it is held against the client (4429 after too many). */
  private violation(
    code: ErrorCode,
    message: string,
    replyTo?: string,
    retry?: number,
    counts = true,
  ) {
    this.host.emit("violation", { connectionId: this.connection.id, code, message });
    this.host.config.telemetry?.refused(code, "connection");
    if (counts && this.flood().violation()) {
      return this.close(CloseCode.TooManyViolations, "too many violations");
    }
    this.sendError(code, message, replyTo, retry);
  }

  protected taskFailed(error: unknown): void {
    this.host.config.logger.error?.("connection task failed", { error });
    this.close(CloseCode.Internal, "internal error");
  }

  protected finished(): void {
    this.host.drained(this);
  }

  // ── Handshake ─────────────────────────────────────────────────────────────

  private async handshake(hello: HelloFrame | undefined): Promise<void> {
    const { ledger, logger } = this.host.config;
    this.tel?.hello(hello?.traceparent);
    const outcome = await authenticate(this.host.hooks, hello?.token, this.connection.info);
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
      await this.host.attach(hello.session, this);
    }
    const owner = ownerOf(this.user);
    const opened = await ledger.open({
      ...(hello?.session !== undefined && { session: hello.session }),
      ...(hello?.lastSeq !== undefined && { lastSeq: hello.lastSeq }),
      ...(owner !== undefined && { owner }),
    });
    this.resuming = undefined;
    if (hello?.session !== undefined && opened.session !== hello.session) {
      this.host.detach(hello.session, this);
      // Live messages buffered meanwhile belong to that (foreign or expired) session.
      this.outlet.discard();
    }
    // Closed while the ledger answered: close() already detached `resuming`.
    if (this.isClosed()) return;
    this.session = opened.session;
    this.resumed = opened.resumed;
    for (const id of this.cancels ?? []) this.host.turns.cancel(opened.session, id);
    this.cancels = undefined;
    await this.host.attach(opened.session, this);
    if (this.isClosed()) return this.host.detach(opened.session, this);
    clearTimeout(this.helloTimer);
    this.helloTimer = undefined; // frees the timer and its closure for the connection's life
    const snapshots = opened.resumed ? await resumeSnapshots(this.host, opened.session) : [];
    if (this.isClosed()) return;
    this.write(encodeWelcome(opened.session, opened.resumed, opened.seq, opened.gap));
    const lastSeq = opened.resumed ? Math.min(hello?.lastSeq ?? 0, opened.seq) : 0;
    this.outlet.open(lastSeq, opened.seq, opened.replay, snapshots);
    this.state = "ready";
    this.tel?.welcomed(opened.resumed, opened.gap);
    this.host.emit("connect", {
      connectionId: this.connection.id,
      sessionId: opened.session,
      resumed: opened.resumed,
      user: this.user,
    });
    await this.runUpdate("connect");
  }

  // ── Updates ───────────────────────────────────────────────────────────────

  private handleMessage(frame: MessageFrame, arrived: number): MaybePromise<void> {
    const session = this.session;
    if (session === undefined || this.state !== "ready") return;
    return deliverMessage(this.host, this, {
      update: "message",
      session,
      frame,
      arrived,
      replySeqs: [],
      trace: this.host.config.telemetry?.message(this.tel, frame.traceparent, arrived),
    });
  }

  /** Runs the chain for a connect or disconnect update. */
  private runUpdate(update: UpdateKind): MaybePromise<boolean> {
    const session = this.session;
    if (session === undefined) return false;
    const inbound = {
      update,
      session,
      frame: undefined,
      arrived: Date.now(),
      replySeqs: undefined,
    };
    return runTurn(this.host, this, inbound);
  }
}
