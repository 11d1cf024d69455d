/**
 * Admission: the decisions made about a connection request before a WebSocket exists —
 * origin, capacity in all and per address, the address's connection rate and failed
 * logins, and the user's `upgrade` hook — with the counts behind them. A refused request
 * gets an HTTP status, which is cheaper for both sides than a WebSocket that is opened only
 * to be closed.
 * @module
 */

import { AddressBudget, type Rate } from "../../util/budget.js";
import { addressKey } from "../../util/ip.js";
import type { MaybePromise } from "../../util/types.js";
import { AddressCounts } from "./addresses.js";

/**
 * What an `upgrade` hook may answer: accept (`true`, `undefined`, or `{ user }` to accept
 * an already authenticated user, which becomes `ctx.user`), or refuse with an HTTP status.
 */
export type UpgradeDecision =
  | boolean
  | {
      /** The HTTP status to refuse with (400–599). */
      status: number;
      /** A short text for the response body. */
      message?: string;
    }
  | {
      /** The authenticated user; it becomes `ctx.user`. */
      user: unknown;
    }
  | undefined;

/** Why a request was refused, for logs and metrics. */
export type RefusalReason =
  | "origin"
  | "capacity"
  | "address"
  | "rate"
  | "auth"
  | "hook"
  | "timeout";

/** `Retry-After` of an upgrade refused while draining: the client should try another node. */
export const DRAIN_RETRY_AFTER_MS = 5000;

/** A refusal: the HTTP status, a short body, and for 429 when to try again. */
export interface Refusal {
  /** The HTTP status to answer with (400–599). */
  status: number;
  /** A short text for the response body. */
  message?: string;
  /** For 429 and 503: when the client may try again (send it as `Retry-After`). */
  retryAfterMs?: number;
  /** Which check refused. */
  reason?: RefusalReason;
  /** What the `upgrade` hook threw, for the server's log (never sent to the client). */
  error?: unknown;
}

/** The outcome of {@link Admission.check}: refuse with an HTTP status, or accept (maybe with a user). */
export type Verdict =
  | Refusal
  | {
      /** The user the `upgrade` hook authenticated; it becomes `ctx.user`. */
      user: unknown;
    }
  | undefined;

/** What an {@link Admission} enforces. */
export interface AdmissionPolicy<R> {
  /** The origin check (see `originPolicy`): the `Origin` and `Host` headers. */
  isOriginAllowed: (origin: string | undefined, host?: string) => boolean;
  /** Most connections, open or being admitted. */
  maxConnections: number;
  /** Most connections from one address (IPv6: one /64), open or being admitted. */
  maxConnectionsPerIp: number;
  /** New connections one address may open; `undefined`: no limit. */
  connectionRatePerIp?: Rate | undefined;
  /** Failed authentications one address may have before it is refused; `undefined`: no limit. */
  authFailuresPerIp?: Rate | undefined;
  /** Longest wait for the `upgrade` hook before refusing with 503; `undefined`: no limit. */
  upgradeTimeoutMs?: number | undefined;
  /** The user's hook, given the transport's own request object. */
  upgrade?: ((request: R) => MaybePromise<UpgradeDecision>) | undefined;
}

function refusal(status: number, reason: RefusalReason, message: string, retryAfterMs?: number) {
  const verdict: Refusal = { status, message, reason };
  if (retryAfterMs !== undefined) verdict.retryAfterMs = retryAfterMs;
  return Promise.resolve<Verdict>(verdict);
}

/**
 * Counts connections (in all and per address) from the moment a request arrives until its
 * connection ends, so requests still waiting for the `upgrade` hook count too. Every
 * {@link Admission.check} is matched by one {@link Admission.leave}. Addresses are counted
 * by `addressKey` (IPv6 by its /64).
 */
export class Admission<R> {
  private readonly perAddress = new AddressCounts();
  private readonly rate: AddressBudget | undefined;
  private readonly authFailures: AddressBudget | undefined;
  private count = 0;

  /** @param policy - see {@link AdmissionPolicy} */
  constructor(private readonly policy: AdmissionPolicy<R>) {
    const { connectionRatePerIp: rate, authFailuresPerIp: auth } = policy;
    this.rate = rate === undefined ? undefined : new AddressBudget(rate);
    this.authFailures = auth === undefined ? undefined : new AddressBudget(auth);
  }

  /** Connections open or being admitted. */
  get size(): number {
    return this.count;
  }

  /**
   * Counts a new request from `address` and decides on it: a refusal (`{ status, … }`)
   * or an acceptance (`undefined`, or `{ user }` from the hook). Whatever the verdict, call
   * {@link Admission.leave} once the request is refused or its connection ends.
   * @param request - the transport's request object, handed to the `upgrade` hook
   * @param origin - the request's `Origin` header, if any
   * @param address - the client's address (see `normalizeAddress`, `proxyPolicy`), if known
   * @param host - the request's `Host` header, for the default same-origin check
   */
  check(
    request: R,
    origin: string | undefined,
    address: string | undefined,
    host?: string,
  ): Promise<Verdict> {
    const key = addressKey(address);
    const others = this.count++;
    const fromAddress = this.perAddress.add(key);
    if (!this.policy.isOriginAllowed(origin, host)) {
      return refusal(403, "origin", "origin not allowed");
    }
    if (others >= this.policy.maxConnections) {
      return refusal(503, "capacity", "too many connections");
    }
    if (fromAddress >= this.policy.maxConnectionsPerIp) {
      return refusal(429, "address", "too many connections from this address", 1000);
    }
    const blockedMs = this.authFailures?.waitMs(key) ?? 0;
    if (blockedMs > 0) return refusal(429, "auth", "too many failed logins", blockedMs);
    const waitMs = this.rate?.take(key) ?? 0;
    if (waitMs > 0) return refusal(429, "rate", "connecting too often", waitMs);
    const hook = this.policy.upgrade;
    if (hook === undefined) return Promise.resolve(undefined);
    const decided = Promise.resolve()
      .then(() => hook(request))
      .then(toVerdict, (error: unknown): Verdict => {
        return { status: 500, message: "internal error", reason: "hook", error };
      })
      .then((verdict) => {
        if (verdict !== undefined && "status" in verdict && verdict.status === 401) {
          this.authFailed(address);
        }
        return verdict;
      });
    return this.withDeadline(decided);
  }

  /** The request was refused or its connection ended. */
  leave(address: string | undefined): void {
    this.count--;
    this.perAddress.remove(addressKey(address));
  }

  /**
   * Counts a failed authentication against `address` (a connection closed with 4401, a
   * 401 from the hook); enough of them and its requests are refused with 429 for a while.
   */
  authFailed(address: string | undefined): void {
    this.authFailures?.take(addressKey(address));
  }

  /** A hook that never answers must not hold the request (and its socket) forever. */
  private withDeadline(decided: Promise<Verdict>): Promise<Verdict> {
    const ms = this.policy.upgradeTimeoutMs;
    if (ms === undefined) return decided;
    return new Promise<Verdict>((resolve) => {
      const timer = setTimeout(
        () => resolve({ status: 503, message: "upgrade timed out", reason: "timeout" }),
        ms,
      );
      (timer as { unref?: () => void }).unref?.();
      decided.then((verdict) => {
        clearTimeout(timer);
        resolve(verdict);
      });
    });
  }
}

/** Turns the hook's answer into a verdict; an out-of-range status is our error, not the client's. */
function toVerdict(decision: UpgradeDecision): Verdict {
  if (decision === false) return { status: 401, reason: "hook" };
  if (typeof decision !== "object" || decision === null) return undefined;
  if ("user" in decision) return decision.user === undefined ? undefined : { user: decision.user };
  const status = decision.status;
  if (!Number.isInteger(status) || status < 400 || status > 599) {
    return { status: 500, message: "internal error", reason: "hook" };
  }
  return decision.message === undefined
    ? { status, reason: "hook" }
    : { status, message: decision.message, reason: "hook" };
}
