/**
 * The W3C `traceparent` check, alone in its file so the browser client can use it without
 * the frame schemas (valibot).
 * @module
 */

/**
 * A W3C Trace Context `traceparent` (version 00): `00-<trace id>-<parent id>-<flags>`, lower
 * case hex, neither id all zeros. See {@link isTraceparent}.
 */
const TRACEPARENT = /^00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}$/;

/**
 * Whether `value` is a valid W3C `traceparent` (version 00). An invalid one in a frame is
 * dropped, not refused: as the W3C spec asks, the server then starts a new trace.
 */
export function isTraceparent(value: unknown): value is string {
  return typeof value === "string" && value.length === 55 && TRACEPARENT.test(value);
}
