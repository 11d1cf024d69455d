/**
 * Handshake hooks: work done once per connection, between its `hello` and the `welcome`
 * (authentication). Middleware factories attach a hook to the function they return;
 * `use()` finds it, so `bot.use(auth(...))` is all a user writes.
 * @module
 */
import type { ConnectionInfo } from "./transport.js";
import type { MaybePromise } from "./types.js";

/** What a handshake hook sees and may decide. */
export interface Handshake {
  /** The token from `hello.token`, else from `Authorization: Bearer …`, else `undefined`. */
  readonly token: string | undefined;
  /** The connection's peer information. */
  readonly info: ConnectionInfo;
  /** The authenticated user so far (set by an earlier hook). */
  user: unknown;
}

/** Thrown (or returned via rejection) by a hook to refuse the connection. */
export class HandshakeRejection extends Error {
  /**
   * @param code - the `error` frame code, e.g. `unauthorized`
   * @param closeCode - the WebSocket close code that follows, e.g. 4401
   * @param message - safe text for the client
   */
  constructor(
    readonly code: "unauthorized" | "bad_request",
    readonly closeCode: number,
    message: string,
  ) {
    super(message);
    this.name = "HandshakeRejection";
  }
}

/** A function run once per connection before the welcome. May set `user` or throw a rejection. */
export type HandshakeHook = (handshake: Handshake) => MaybePromise<void>;

/** The symbol under which a middleware function carries its handshake hook. */
export const HANDSHAKE: unique symbol = Symbol.for("botwire.handshake");

/** Attaches a handshake hook to a middleware function and returns that function. */
export function withHandshake<F extends object>(fn: F, hook: HandshakeHook): F {
  Object.defineProperty(fn, HANDSHAKE, { value: hook });
  return fn;
}

/** Reads the handshake hook of a middleware function, if any. */
export function handshakeOf(fn: unknown): HandshakeHook | undefined {
  if (typeof fn !== "function") return undefined;
  return (fn as { [HANDSHAKE]?: HandshakeHook })[HANDSHAKE];
}
