/**
 * Handshake hooks: work done once per connection, between its `hello` and the `welcome`
 * (authentication). Middleware factories attach a hook to the function they return;
 * `use()` finds it, so `bot.use(auth(...))` is all a user writes.
 * @module
 */

import type { MaybePromise } from "../util/types.js";
import type { ConnectionInfo } from "./transport.js";

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

/** The key a user is stored under (session owner, `user:<id>`): its `id` when it has one. */
export function ownerOf(user: unknown): string | undefined {
  if (typeof user !== "object" || user === null) return undefined;
  const id = (user as { id?: unknown }).id;
  return typeof id === "string" || typeof id === "number" ? String(id) : undefined;
}

function bearerToken(headers: ConnectionInfo["headers"]): string | undefined {
  const value = headers.authorization;
  const header = Array.isArray(value) ? value[0] : value;
  const match = header === undefined ? null : /^Bearer\s+(\S+)$/i.exec(header);
  return match?.[1];
}

/**
 * @internal Runs the hooks for one connection. The token comes from `hello.token`, else
 * from `Authorization: Bearer`; a user the transport already knows (cookie auth at the
 * upgrade) is the starting point. Resolves with the user, or with what a hook threw.
 */
export async function authenticate(
  hooks: readonly HandshakeHook[],
  helloToken: string | undefined,
  info: ConnectionInfo,
): Promise<{ user: unknown } | { rejected: unknown }> {
  const handshake: Handshake = {
    token: helloToken ?? bearerToken(info.headers),
    info,
    user: info.user,
  };
  try {
    for (const hook of hooks) await hook(handshake);
  } catch (error) {
    return { rejected: error };
  }
  return { user: handshake.user };
}
