/**
 * Admission: the decisions made about a connection request before a WebSocket exists —
 * origin, capacity in all and per address, and the user's `upgrade` hook — with the counts
 * behind them. A refused request gets an HTTP status, which is cheaper for both sides than
 * a WebSocket that is opened only to be closed.
 * @module
 */
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

/** The outcome of {@link Admission.check}: refuse with an HTTP status, or accept (maybe with a user). */
export type Verdict = { status: number; message?: string } | { user: unknown } | undefined;

/** What an {@link Admission} enforces. */
export interface AdmissionPolicy<R> {
  /** The origin check (see `originPolicy`). */
  isOriginAllowed: (origin: string | undefined) => boolean;
  /** Most connections, open or being admitted. */
  maxConnections: number;
  /** Most connections from one address, open or being admitted. */
  maxConnectionsPerIp: number;
  /** The user's hook, given the transport's own request object. */
  upgrade?: ((request: R) => MaybePromise<UpgradeDecision>) | undefined;
}

/**
 * Counts connections (in all and per address) from the moment a request arrives until its
 * connection ends, so requests still waiting for the `upgrade` hook count too. Every
 * {@link Admission.enter} is matched by one {@link Admission.leave}.
 */
export class Admission<R> {
  private readonly perAddress = new AddressCounts();
  private count = 0;

  /** @param policy - see {@link AdmissionPolicy} */
  constructor(private readonly policy: AdmissionPolicy<R>) {}

  /** Connections open or being admitted. */
  get size(): number {
    return this.count;
  }

  /**
   * Counts a new request from `address` and decides on it: a refusal (`{ status, message? }`)
   * or an acceptance (`undefined`, or `{ user }` from the hook). Whatever the verdict, call
   * {@link Admission.leave} once the request is refused or its connection ends.
   * @param request - the transport's request object, handed to the `upgrade` hook
   * @param origin - the request's `Origin` header, if any
   * @param address - the peer's address (normalised, see `normalizeAddress`), if known
   */
  check(request: R, origin: string | undefined, address: string | undefined): Promise<Verdict> {
    const others = this.count++;
    const fromAddress = this.perAddress.add(address);
    if (!this.policy.isOriginAllowed(origin)) {
      return Promise.resolve({ status: 403, message: "origin not allowed" });
    }
    if (others >= this.policy.maxConnections) {
      return Promise.resolve({ status: 503, message: "too many connections" });
    }
    if (fromAddress >= this.policy.maxConnectionsPerIp) {
      return Promise.resolve({ status: 429, message: "too many connections from this address" });
    }
    const hook = this.policy.upgrade;
    if (hook === undefined) return Promise.resolve(undefined);
    return Promise.resolve()
      .then(() => hook(request))
      .then(toVerdict, () => ({ status: 500, message: "internal error" }));
  }

  /** The request was refused or its connection ended. */
  leave(address: string | undefined): void {
    this.count--;
    this.perAddress.remove(address);
  }
}

/** Turns the hook's answer into a verdict; an out-of-range status is our error, not the client's. */
function toVerdict(decision: UpgradeDecision): Verdict {
  if (decision === false) return { status: 401 };
  if (typeof decision !== "object" || decision === null) return undefined;
  if ("user" in decision) return decision.user === undefined ? undefined : { user: decision.user };
  const status = decision.status;
  if (!Number.isInteger(status) || status < 400 || status > 599) {
    return { status: 500, message: "internal error" };
  }
  return decision.message === undefined ? { status } : { status, message: decision.message };
}
