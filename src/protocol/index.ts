/**
 * Wire protocol v1 for other clients and tools (a Python client, a load tester, a proxy):
 * the frame types, valibot schemas of what clients send, the error and close codes, and the
 * limits the server enforces. Parsing and encoding stay internal. The full specification is
 * `docs/protocol.md`.
 *
 * @example
 * ```ts
 * import * as v from "valibot";
 * import { ClientFrameSchema, CloseCode, type ServerFrame } from "botwire/protocol";
 *
 * // A proxy that checks client frames before passing them on.
 * const result = v.safeParse(ClientFrameSchema, JSON.parse(raw));
 * if (!result.success) socket.close(CloseCode.Policy, "bad frame");
 *
 * function onServerFrame(frame: ServerFrame) {
 *   if (frame.type === "error" && frame.code === "rate_limited") wait(frame.retryAfterMs);
 * }
 * ```
 * @module botwire/protocol
 */
// biome-ignore-all assist/source/organizeImports: the exports are grouped by topic, not sorted

// Version, codes and limits
export {
  CloseCode,
  ErrorCode,
  FATAL_CLOSE_CODES,
  PROTOCOL_VERSION,
} from "./codes.js";
export { isTraceparent, MAX_ID_LENGTH, MAX_TOKEN_LENGTH } from "./frames.js";

// Client → server frames and their schemas
export {
  type AckFrame,
  AckFrameSchema,
  type CancelFrame,
  CancelFrameSchema,
  type ClientFrame,
  ClientFrameSchema,
  type HelloFrame,
  HelloFrameSchema,
  type MessageFrame,
  MessageFrameSchema,
} from "./frames.js";

// Server → client frames
export type {
  ActivityFrame,
  DeltaFrame,
  ErrorFrame,
  Feature,
  GoawayFrame,
  StreamEnd,
  OutgoingMessage,
  ReceiptFrame,
  ServerFrame,
  ServerMessageFrame,
  WelcomeFrame,
} from "./frames.js";
