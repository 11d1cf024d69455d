/**
 * The hand-checked path for the two frames every chat sends all the time. Internal: not
 * re-exported from the package (see `parse.ts`, which falls back to valibot).
 * @module
 */
import { type ClientFrame, isTraceparent, MAX_ID_LENGTH, type MessageFrame } from "./frames.js";

/**
 * The output `ClientFrameSchema` gives for a well-formed `message` or `ack` frame —
 * the two frames every chat sends all the time — checked by hand; `undefined` for anything
 * else (other types, a wrong field), which then goes through valibot for the verdict and the
 * error message. Like the schema it copies only known fields, so unknown ones are dropped.
 */
export function fastClientFrame(json: unknown): ClientFrame | undefined {
  // Stryker disable next-line ConditionalExpression: equivalent as `false || …` — reading `type` of a primitive gives undefined
  if (typeof json !== "object" || json === null) return undefined;
  const input = json as Record<string, unknown>;
  if (input.type === "message") {
    const { id, text, data } = input;
    if (id !== undefined && (typeof id !== "string" || id.length < 1 || id.length > MAX_ID_LENGTH))
      return undefined;
    if (text !== undefined && typeof text !== "string") return undefined;
    const frame: MessageFrame = { type: "message" };
    if (id !== undefined) frame.id = id;
    if (text !== undefined) frame.text = text;
    if ("data" in input) frame.data = data;
    // Like the schema: an invalid traceparent is dropped, not refused.
    const traceparent = input.traceparent;
    if (traceparent !== undefined && isTraceparent(traceparent)) frame.traceparent = traceparent;
    return frame;
  }
  if (input.type === "ack") {
    const seq = input.seq;
    if (typeof seq !== "number" || !Number.isSafeInteger(seq) || seq < 0) return undefined;
    return { type: "ack", seq };
  }
  return undefined;
}
