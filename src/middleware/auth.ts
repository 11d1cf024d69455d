/**
 * `auth()`: authenticate each connection once, before its welcome.
 * @module
 */
import type { MiddlewareFn } from "../core/compose.js";
import type { Context } from "../core/context.js";
import { ClientError } from "../core/errors.js";
import { HandshakeRejection, withHandshake } from "../core/handshake.js";
import type { ConnectionInfo } from "../core/transport.js";
import { CloseCode } from "../protocol/codes.js";
import type { MaybePromise } from "../util/types.js";

/**
 * Checks a token and returns the user it belongs to, or `undefined` (or `null`) to refuse.
 * Give the user an `id` (string or number): protocol sessions and `sendTo({ user })` use it.
 */
export type VerifyFn<U> = (
  token: string,
  info: ConnectionInfo,
) => MaybePromise<U | undefined | null>;

/** Options of {@link auth}. */
export interface AuthOptions<U> {
  /** Turns a token into a user; see {@link VerifyFn}. */
  verify: VerifyFn<U>;
  /**
   * Refuse connections that bring no token. With `false`, anonymous connections are let in
   * (`ctx.user` is `undefined`) but a token that is given must still be valid.
   * @default true
   */
  required?: boolean;
}

/** Add to your context type to get a typed `ctx.user`: `new Bot<Context & AuthFlavor<User>>()`. */
export interface AuthFlavor<U> {
  /** The user returned by `verify`. */
  user: U;
}

/**
 * Authenticates each connection once, between its `hello` and the `welcome`. The token
 * comes from `hello.token`, else from an `Authorization: Bearer …` upgrade header. A user
 * already established at the HTTP upgrade (`serve({ upgrade })` returning `{ user }`) is
 * accepted without a token. On failure the client gets an `unauthorized` error frame and
 * the connection is closed with 4401; no handler runs.
 *
 * @param options - `verify` and `required`; see {@link AuthOptions}
 * @example
 * ```ts
 * const bot = new Bot<Context & AuthFlavor<{ id: string; name: string }>>();
 * bot.use(auth({ verify: (token) => db.userByToken(token) }));
 * bot.command("me", (ctx) => ctx.reply(ctx.user.name));
 * ```
 */
export function auth<U, C extends Context = Context>(options: AuthOptions<U>): MiddlewareFn<C> {
  if (typeof options !== "object" || options === null) {
    throw new TypeError("auth(options): options must be an object with a verify function");
  }
  const { verify } = options;
  if (typeof verify !== "function") {
    throw new TypeError("auth(): options.verify must be a function (token, info) => user");
  }
  if (options.required !== undefined && typeof options.required !== "boolean") {
    throw new TypeError("auth(): options.required must be a boolean");
  }
  const required = options.required ?? true;

  const middleware: MiddlewareFn<C> = function authenticated(ctx, next) {
    // The hook has already refused unauthenticated connections; this guards chains that
    // run without it (e.g. a custom transport that skips handshakes).
    if (required && ctx.user === undefined && ctx.update !== "disconnect") {
      throw new ClientError("unauthorized", "authentication required", {
        closeCode: CloseCode.Unauthorized,
      });
    }
    return next();
  };

  return withHandshake(middleware, async (handshake) => {
    if (handshake.user !== undefined) return;
    const token = handshake.token;
    if (token === undefined || token === "") {
      if (!required) return;
      throw new HandshakeRejection(
        "unauthorized",
        CloseCode.Unauthorized,
        "authentication required",
      );
    }
    const user = await verify(token, handshake.info);
    if (user === undefined || user === null) {
      throw new HandshakeRejection("unauthorized", CloseCode.Unauthorized, "invalid token");
    }
    handshake.user = user;
  });
}
