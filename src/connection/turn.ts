/**
 * A turn: one update (a message, a connect, a disconnect) run through the middleware chain
 * with a fresh Context, and what happens when the chain fails. Internal.
 * @module
 */
import { run } from "../core/compose.js";
import { Context, type ContextConnection, type UpdateKind } from "../core/context.js";
import { ClientError } from "../core/errors.js";
import type { MessageTelemetry } from "../core/telemetry.js";
import { TurnCancelledError, TurnTimeoutError } from "../core/turn-control.js";
import { CloseCode, ErrorCode } from "../protocol/codes.js";
import type { MessageFrame } from "../protocol/frames.js";
import { SessionLostError } from "../storage/errors.js";
import { isPending } from "../util/maybe.js";
import type { MaybePromise } from "../util/types.js";
import type { PeerHost } from "./host.js";
import { UpdateSink } from "./sink.js";

/** One update on its way through a connection: what arrived, for which session, and what it produced. */
export interface Inbound {
  readonly update: UpdateKind;
  /** The protocol session the connection is attached to. */
  readonly session: string;
  /** The message frame; `undefined` for connect and disconnect. */
  readonly frame: MessageFrame | undefined;
  /** When the update arrived (epoch ms). */
  readonly arrived: number;
  /** The seqs of the replies the turn produced (recorded with the message id's claim). */
  readonly replySeqs: number[] | undefined;
  /** The message's telemetry, when the bot has a `telemetry` option. */
  readonly trace?: MessageTelemetry | undefined;
}

/** What a turn needs from its connection. */
export interface TurnPeer {
  /** Connection details handed to the context. */
  readonly info: ContextConnection;
  /** The authenticated user, if any. */
  readonly user: unknown;
  /** Whether the connection resumed an earlier session. */
  readonly resumed: boolean;
  /** Writes an `error` frame. */
  sendError(code: ErrorCode, message: string, replyTo?: string, retryAfterMs?: number): void;
  /** Closes the connection. */
  close(code: number, reason: string): void;
}

/** Runs the chain for one update; resolves (or returns, when all was synchronous) whether it failed. */
export function runTurn<C extends Context>(
  host: PeerHost<C>,
  peer: TurnPeer,
  inbound: Inbound,
): MaybePromise<boolean> {
  const replyTo = inbound.frame?.id;
  const trace = inbound.trace;
  const sink = new UpdateSink(host, inbound.session, replyTo, inbound.replySeqs, trace);
  const ctx = new Context({
    update: inbound.update,
    connection: peer.info,
    sessionId: inbound.session,
    message: inbound.frame,
    user: peer.user,
    resumed: peer.resumed,
    receivedAt: inbound.arrived,
    services: host.config.services,
    sink,
    trace,
  }) as C;
  if (host.turns.cancelledEarly(inbound.session, replyTo)) host.turns.cancelTurn(ctx.control);
  const chain =
    trace === undefined ? run(host.handler, ctx) : trace.run(() => run(host.handler, ctx));
  if (isPending(chain)) return guarded(host, peer, ctx, chain as Promise<unknown>, inbound, sink);
  sink.finish();
  return sent(host, peer, ctx, replyTo);
}

/**
 * Waits for an asynchronous chain, but not forever: past `turnTimeoutMs` (or when a stopping
 * bot gives up) the turn is abandoned — its signal aborts, the session lock it holds is let go,
 * its client gets an `internal` error — and the connection's next message can run. Only
 * asynchronous turns pay for the timer.
 */
function guarded<C extends Context>(
  host: PeerHost<C>,
  peer: TurnPeer,
  ctx: C,
  chain: Promise<unknown>,
  inbound: Inbound,
  sink: UpdateSink<C>,
): Promise<boolean> {
  const control = ctx.control;
  const { session } = inbound;
  const replyTo = inbound.frame?.id;
  const { turnTimeoutMs } = host.config;
  const timer = setTimeout(
    () => control.abandon(new TurnTimeoutError(turnTimeoutMs)),
    turnTimeoutMs,
  );
  (timer as { unref?: () => void }).unref?.();
  host.turns.add(control, session, replyTo);
  if (inbound.update === "message") sink.startTyping();
  const done = () => {
    clearTimeout(timer);
    host.turns.delete(control, replyTo);
    control.finish();
    sink.finish();
  };
  return control.guard(chain).then(
    () => {
      done();
      return sent(host, peer, ctx, replyTo);
    },
    (error: unknown) => {
      done();
      return failed(host, peer, error, ctx, replyTo);
    },
  );
}

/** After the chain: waits for sends still on their way to the outbox. */
function sent<C extends Context>(
  host: PeerHost<C>,
  peer: TurnPeer,
  ctx: C,
  replyTo: string | undefined,
): MaybePromise<boolean> {
  if (!ctx.sending) {
    ctx.trace?.answered(ctx.route, undefined);
    return false;
  }
  return ctx.settled().then(
    () => {
      ctx.trace?.answered(ctx.route, undefined);
      return false;
    },
    (error: unknown) => failed(host, peer, error, ctx, replyTo),
  );
}

async function failed<C extends Context>(
  host: PeerHost<C>,
  peer: TurnPeer,
  error: unknown,
  ctx: C,
  replyTo: string | undefined,
): Promise<boolean> {
  // An abandoned turn's sends may never finish (that may be why it was abandoned).
  if (!ctx.control.abandoned) await ctx.settled().catch(() => undefined);
  // The client cancelled: a handler that stops by throwing its signal's reason (or an
  // AbortError, as fetch does) did what was asked, which is no failure to report.
  if (cancelledBy(ctx, error)) {
    ctx.trace?.answered(ctx.route, "cancelled");
    return false;
  }
  if (error instanceof ClientError) {
    ctx.trace?.answered(ctx.route, error.code);
    if (error.code === ErrorCode.RateLimited) host.config.telemetry?.refused(error.code, "bot");
    peer.sendError(error.code, error.message, replyTo, error.options.retryAfterMs);
    if (error.options.closeCode !== undefined) peer.close(error.options.closeCode, error.message);
    return true;
  }
  ctx.trace?.answered(ctx.route, ErrorCode.Internal);
  await host.config.report(error, ctx);
  // Replies cannot be stored for a session that is gone: start over on a new connection,
  // with no error frame, so the client keeps the message and sends it again there.
  if (error instanceof SessionLostError) {
    peer.close(CloseCode.Internal, "session lost");
    return true;
  }
  const { exposeErrors } = host.config;
  const text = exposeErrors && error instanceof Error ? error.message : "internal error";
  peer.sendError(ErrorCode.Internal, text, replyTo);
  return true;
}

function cancelledBy(ctx: Context, error: unknown): boolean {
  const { signal } = ctx.control;
  if (!signal.aborted || !(signal.reason instanceof TurnCancelledError)) return false;
  return error === signal.reason || (error instanceof Error && error.name === "AbortError");
}
