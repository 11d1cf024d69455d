/**
 * At-most-once handling of a client message: claim its id in the ledger, run the turn,
 * settle the claim with the seqs of its replies. A re-sent message (after a lost connection,
 * maybe to another node) replays those replies instead of running the handler twice.
 * Synchronous from end to end when the ledger, the store and the handlers are. Internal.
 * @module
 */
import type { Context } from "../core/context.js";
import { endWhen } from "../core/telemetry.js";
import { CloseCode, ErrorCode } from "../protocol/codes.js";
import { encodeReceipt } from "../protocol/encode.js";
import type { MessageFrame } from "../protocol/frames.js";
import { SessionLostError } from "../storage/errors.js";
import type { Claim } from "../storage/ledger.js";
import { isPending } from "../util/maybe.js";
import { isThenable, type MaybePromise } from "../util/types.js";
import type { PeerHost } from "./host.js";
import { type Inbound, runTurn, type TurnPeer } from "./turn.js";

/** The claim lease assumed for a ledger that renews claims but does not say how long they hold. */
const DEFAULT_CLAIM_LEASE_MS = 10_000;

/** A message on its way: an {@link Inbound} that has a frame. */
export interface InboundMessage extends Inbound {
  readonly frame: MessageFrame;
  readonly replySeqs: number[];
}

/** What delivery needs from its connection, beyond a turn's needs. */
export interface DeliveryPeer extends TurnPeer {
  /** Writes a frame to this connection only (not through the outbox). */
  write(frame: string): void;
  /** Whether the connection closed. */
  isClosed(): boolean;
}

/** Handles one message: claims its id, runs the chain, records the replies. */
export function deliverMessage<C extends Context>(
  host: PeerHost<C>,
  peer: DeliveryPeer,
  inbound: InboundMessage,
): MaybePromise<void> {
  const trace = inbound.trace;
  if (trace === undefined) return deliver(host, peer, inbound);
  let done: MaybePromise<void>;
  try {
    done = deliver(host, peer, inbound);
  } catch (error) {
    trace.end();
    throw error;
  }
  if (!isPending(done)) return trace.end();
  return done.then(
    () => trace.end(),
    (error: unknown) => {
      trace.end();
      throw error;
    },
  );
}

function deliver<C extends Context>(
  host: PeerHost<C>,
  peer: DeliveryPeer,
  inbound: InboundMessage,
): MaybePromise<void> {
  const id = inbound.frame.id;
  if (id === undefined) return process(host, peer, inbound);
  let claim: MaybePromise<Claim>;
  const span = inbound.trace?.step("ledger.claim");
  try {
    claim = host.config.ledger.claim(inbound.session, id);
    if (span !== undefined) claim = endWhen(span, claim);
  } catch (error) {
    span?.end(true);
    return claimFailed(host, peer, error, id);
  }
  if (!isThenable(claim)) return claimed(host, peer, inbound, id, claim);
  return claim.then(
    (found) => claimed(host, peer, inbound, id, found),
    (error: unknown) => claimFailed(host, peer, error, id),
  );
}

function claimed<C extends Context>(
  host: PeerHost<C>,
  peer: DeliveryPeer,
  inbound: InboundMessage,
  id: string,
  claim: Claim,
): MaybePromise<void> {
  switch (claim.state) {
    case "new": {
      let handling: MaybePromise<void>;
      try {
        handling = process(host, peer, inbound);
      } catch (error) {
        // Whatever failed, the claim must not stay pending: a re-send would wait for it.
        releaseQuietly(host, inbound.session, id);
        throw error;
      }
      // Synchronous handling needs no renewal: no timer, no allocation on the hot path.
      return isPending(handling) ? holdClaim(host, inbound.session, id, handling) : handling;
    }
    case "pending":
      return waitForClaim(host, peer, inbound.session, id).then(
        (found) =>
          found.state === "pending" ? undefined : claimed(host, peer, inbound, id, found),
        (error: unknown) => claimFailed(host, peer, error, id),
      );
    case "done":
      // A re-sent message: replay what it produced instead of handling it twice.
      for (const entry of claim.replies) peer.write(entry.frame);
      if (claim.replies.length === 0) peer.write(encodeReceipt(id));
  }
}

/**
 * Keeps the claim on `id` while its handling goes on asynchronously: a ledger whose claims
 * expire (Redis) gets `renewClaim` every third of its lease, so a slow handler's message is
 * not taken over and run again when the client re-sends it (maybe to another node). The
 * renewal lasts as long as the handling, even if this connection closes meanwhile: the
 * handler still runs and its replies still reach the outbox for the client's next resume.
 */
function holdClaim<C extends Context>(
  host: PeerHost<C>,
  session: string,
  id: string,
  handling: Promise<void>,
): Promise<void> {
  const { ledger, logger } = host.config;
  // Stryker disable next-line ConditionalExpression: equivalent as `false` — the interval would call `renewClaim?.()`, which is undefined: nothing
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

function releaseQuietly<C extends Context>(host: PeerHost<C>, session: string, id: string): void {
  const failed = (error: unknown) => host.config.logger.error?.("ledger release failed", { error });
  try {
    const done = host.config.ledger.release(session, id);
    if (isThenable(done)) done.then(undefined, failed);
  } catch (error) {
    failed(error);
  }
}

function claimFailed<C extends Context>(
  host: PeerHost<C>,
  peer: DeliveryPeer,
  error: unknown,
  id: string,
): void {
  // The client gets an error naming this message and may send it again later.
  host.config.logger.error?.("ledger claim failed", { error });
  if (error instanceof SessionLostError) return peer.close(CloseCode.Internal, "session lost");
  peer.sendError(ErrorCode.Internal, "internal error", id);
}

function process<C extends Context>(
  host: PeerHost<C>,
  peer: DeliveryPeer,
  inbound: InboundMessage,
): MaybePromise<void> {
  const failed = runTurn(host, peer, inbound);
  return isThenable(failed)
    ? failed.then((f) => settle(host, peer, inbound, f))
    : settle(host, peer, inbound, failed);
}

/** Records in the ledger what a handled message produced, then tells the client and the bot. */
function settle<C extends Context>(
  host: PeerHost<C>,
  peer: DeliveryPeer,
  inbound: InboundMessage,
  failed: boolean,
): MaybePromise<void> {
  const { id } = inbound.frame;
  if (id === undefined) return handled(host, peer, inbound, failed);
  const { ledger } = host.config;
  let done: MaybePromise<void>;
  // A failed message that produced nothing may be re-sent and run again (e.g. after a
  // store outage); once it replied, a re-send replays those replies instead.
  const release = failed && inbound.replySeqs.length === 0;
  const span = inbound.trace?.step(release ? "ledger.release" : "ledger.settle");
  try {
    done = release
      ? ledger.release(inbound.session, id)
      : ledger.settle(inbound.session, id, inbound.replySeqs);
  } catch (error) {
    done = Promise.reject(error);
  }
  if (span !== undefined) done = endWhen(span, done);
  if (!isThenable(done)) return handled(host, peer, inbound, failed);
  const next = () => handled(host, peer, inbound, failed);
  return done.then(next, (error: unknown) => {
    host.config.logger.error?.("ledger settle failed", { error });
    next();
  });
}

function handled<C extends Context>(
  host: PeerHost<C>,
  peer: DeliveryPeer,
  inbound: InboundMessage,
  failed: boolean,
): void {
  const { id } = inbound.frame;
  if (id !== undefined && inbound.replySeqs.length === 0 && !failed) {
    peer.write(encodeReceipt(id));
  }
  // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent — a fast path: emitting an event nobody listens to does nothing
  if (host.config.events.listenerCount("handled") > 0) {
    host.emit("handled", {
      connectionId: peer.info.id,
      sessionId: inbound.session,
      id,
      failed,
      durationMs: Date.now() - inbound.arrived,
    });
  }
}

/**
 * While another connection (maybe on another node) is handling the same message id,
 * waits for it to finish, then replays its replies; a claim whose node died expires in
 * the ledger and is taken over.
 */
async function waitForClaim<C extends Context>(
  host: PeerHost<C>,
  peer: DeliveryPeer,
  session: string,
  id: string,
): Promise<Claim> {
  const { ledger, turnTimeoutMs } = host.config;
  // The holder's turn ends within turnTimeoutMs, and a dead node's claim within its lease:
  // waiting longer means something is wrong, and the client gets an error instead of silence.
  const deadline = Date.now() + turnTimeoutMs + (ledger.claimLeaseMs ?? DEFAULT_CLAIM_LEASE_MS);
  for (let delay = 10; ; delay = Math.min(delay * 2, 500)) {
    await new Promise((resolve) => setTimeout(resolve, delay));
    const claim = await ledger.claim(session, id);
    if (claim.state !== "pending" || peer.isClosed()) return claim;
    if (Date.now() > deadline) throw new Error(`message ${id} is still being handled elsewhere`);
  }
}
