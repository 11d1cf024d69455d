/**
 * What an HTTP response refusing an upgrade says, for transports that answer with a WHATWG
 * `Response` (botwire/bun, botwire/web): a short plain-text body and, for a 429, when to try
 * again. (botwire/ws writes the same on the raw socket.)
 * @module
 */

/** Reason phrases for the statuses the admission answers with. */
const STATUS_TEXT: Readonly<Record<number, string>> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  429: "Too Many Requests",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

/** The body and headers of a refusal with `status` (`Retry-After` in whole seconds, ≥ 1). */
export function refusalParts(
  status: number,
  message?: string,
  retryAfterMs?: number,
): { body: string; headers: Record<string, string> } {
  const headers: Record<string, string> = { "content-type": "text/plain; charset=utf-8" };
  if (retryAfterMs !== undefined) {
    headers["retry-after"] = String(Math.max(1, Math.ceil(retryAfterMs / 1000)));
  }
  return { body: `${message ?? STATUS_TEXT[status] ?? "Error"}\n`, headers };
}
