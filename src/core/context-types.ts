/**
 * The kinds of update, and the connection details a context shows.
 * @module
 */
import type { ConnectionInfo } from "./transport.js";

/** The kinds of update that run the middleware chain. */
export type UpdateKind = "message" | "connect" | "disconnect";

/** Connection details visible to handlers. */
export interface ContextConnection extends ConnectionInfo {
  /** The connection id (unique per connection, not per session). */
  readonly id: string;
}
