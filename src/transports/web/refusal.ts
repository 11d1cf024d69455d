/**
 * The HTTP response that refuses an upgrade request before a WebSocket exists.
 * @module
 */
import type { Refusal } from "../policy/index.js";
import { makeResponse, type RuntimeResponse } from "./platform.js";

/** Reason phrases for the statuses the admission answers with. */
const TEXTS: Readonly<Record<number, string>> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  429: "Too Many Requests",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

/** A plain-text response with the refusal's status (and `Retry-After` for 429). */
export function refusalResponse(refusal: Refusal): RuntimeResponse {
  const headers: Record<string, string> = { "content-type": "text/plain; charset=utf-8" };
  if (refusal.retryAfterMs !== undefined) {
    headers["retry-after"] = String(Math.max(1, Math.ceil(refusal.retryAfterMs / 1000)));
  }
  const text = refusal.message ?? TEXTS[refusal.status] ?? "Error";
  return makeResponse(`${text}\n`, { status: refusal.status, headers });
}
