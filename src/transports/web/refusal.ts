/**
 * The HTTP response that refuses an upgrade request before a WebSocket exists.
 * @module
 */
import { type Refusal, refusalParts } from "../policy/index.js";
import { makeResponse, type RuntimeResponse } from "./platform.js";

/** A plain-text response with the refusal's status (and `Retry-After` for 429 and 503). */
export function refusalResponse(refusal: Refusal): RuntimeResponse {
  const { status, message, retryAfterMs } = refusal;
  const { body, headers } = refusalParts(status, message, retryAfterMs);
  return makeResponse(body, { status, headers });
}
