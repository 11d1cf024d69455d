/**
 * What the `ws` transport logs about requests it refuses and sockets that fail. Refusals are
 * the client's doing and cheap to provoke, so most go to `debug`; those that usually mean a
 * misconfigured server (every browser refused for its origin, a hanging `upgrade` hook) go
 * to `warn`, at most one every few seconds so that a flood cannot flood the log. Nothing
 * secret is logged: no headers besides `Origin` and `Host`, no tokens, no message text.
 * @module
 */
import type { Logger } from "../../core/logger.js";
import type { Refusal } from "../policy/index.js";

/** Fewest milliseconds between two warnings about refusals; the rest go to `debug`. */
const WARN_INTERVAL_MS = 10_000;

/** Where a refused request came from. */
export interface RefusedRequest {
  origin: string | undefined;
  host: string | undefined;
  address: string | undefined;
}

/** Logs refused upgrades and socket errors for one transport. */
export class RefusalLog {
  private lastWarn = Number.NEGATIVE_INFINITY;

  /** @param logger - the bot's logger (already safe to call: it never throws) */
  constructor(private readonly logger: Logger) {}

  /** A request was refused before a WebSocket existed. */
  refused(refusal: Refusal, request: RefusedRequest): void {
    const { status, reason } = refusal;
    if (refusal.error !== undefined) {
      this.logger.error?.("the upgrade hook threw; the request was refused with 500", {
        error: refusal.error,
        address: request.address,
      });
      return;
    }
    const details = { status, reason, ...request };
    const now = Date.now();
    if ((reason === "origin" || reason === "timeout") && now - this.lastWarn >= WARN_INTERVAL_MS) {
      this.lastWarn = now;
      this.logger.warn?.(
        reason === "origin"
          ? "refused a WebSocket upgrade: origin not allowed (allowedOrigins; default: same origin)"
          : "refused a WebSocket upgrade: the upgrade hook did not answer within upgradeTimeoutMs",
        details,
      );
    } else {
      this.logger.debug?.(
        `refused a WebSocket upgrade (${status}: ${reason ?? "refused"})`,
        details,
      );
    }
  }

  /**
   * A `ws` socket failed (a frame over `maxPayload`: 1009, invalid UTF-8, a bad opcode);
   * `ws` closes it. An arrow shared by every socket: no closure per connection.
   */
  readonly socketError = (error: Error): void => {
    this.logger.debug?.(`closed a WebSocket on a protocol error: ${error.message}`, {
      code: (error as { code?: unknown }).code,
    });
  };
}
