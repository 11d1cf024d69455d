/**
 * Turns one raw text frame into a validated {@link ClientFrame}, or a reason to refuse it.
 * @module
 */
import * as v from "valibot";
import { ErrorCode } from "./codes.js";
import { fastClientFrame } from "./fast-frame.js";
import { type ClientFrame, ClientFrameSchema } from "./frames.js";
import { parseUntrustedJson } from "./json.js";

/** Limits applied while parsing a frame. */
export interface ParseLimits {
  /** Longest accepted `text`, in UTF-16 code units. */
  maxTextLength: number;
  /** Deepest accepted nesting of objects and arrays. */
  maxDepth: number;
}

/** The outcome of {@link parseClientFrame}. */
export type ParseResult =
  | {
      /** The frame is valid. */
      ok: true;
      /** The validated frame, unknown fields dropped. */
      frame: ClientFrame;
    }
  | {
      /** The frame was refused. */
      ok: false;
      /** The error code to send. */
      code: ErrorCode;
      /** A short explanation that is safe to send. */
      message: string;
      /** The id of the refused message, when it had a usable one. */
      replyTo?: string;
    };

function fail(code: ErrorCode, message: string, replyTo?: string): ParseResult {
  return replyTo === undefined
    ? { ok: false, code, message }
    : { ok: false, code, message, replyTo };
}

function firstNonSpace(text: string): number {
  // Stryker disable next-line EqualityOperator: equivalent — charCodeAt past the end is NaN, not `{`
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13) return c;
  }
  // Stryker disable next-line UnaryOperator: equivalent — any value but 123 means "not {"
  return -1;
}

/**
 * Parses and validates a client text frame.
 *
 * A frame whose first non-blank character is not `{` is a plain-text message.
 * Never throws: every failure becomes a `bad_request` or `too_large` result whose
 * message is safe to send back to the client.
 */
export function parseClientFrame(raw: string, limits: ParseLimits): ParseResult {
  // Stryker disable next-line ConditionalExpression: equivalent as `true` — a fast path; firstNonSpace() gives the same answer
  if (raw.charCodeAt(0) !== 123 /* { */ && firstNonSpace(raw) !== 123) {
    if (raw.length > limits.maxTextLength) return fail(ErrorCode.TooLarge, "text too long");
    return { ok: true, frame: { type: "message", text: raw } };
  }
  let json: unknown;
  try {
    json = parseUntrustedJson(raw, limits.maxDepth);
  } catch (error) {
    return error instanceof RangeError
      ? fail(ErrorCode.BadRequest, "frame nested too deeply")
      : fail(ErrorCode.BadRequest, "invalid JSON");
  }
  let frame = fastClientFrame(json);
  // Stryker disable next-line ConditionalExpression: equivalent as `true` — the fast path gives exactly valibot's output
  if (frame === undefined) {
    const result = v.safeParse(ClientFrameSchema, json);
    if (!result.success) {
      return fail(ErrorCode.BadRequest, describeIssue(result.issues[0]), replyToOf(json));
    }
    frame = result.output;
  }
  if (frame.type === "message") {
    if (frame.text !== undefined && frame.text.length > limits.maxTextLength) {
      return fail(ErrorCode.TooLarge, "text too long", frame.id);
    }
    if (frame.text === undefined && frame.data === undefined) {
      return fail(ErrorCode.BadRequest, "message needs text or data", frame.id);
    }
  }
  return { ok: true, frame };
}

/** A short, safe description of the first schema issue (never echoes the input). */
function describeIssue(issue: v.BaseIssue<unknown>): string {
  // Stryker disable next-line StringLiteral: equivalent — the schemas validate no nested field: paths have one key
  const path = issue.path?.map((p) => String(p.key)).join(".");
  // Stryker disable next-line all: unreachable — a frame that reaches valibot is a JSON object: every issue has a path
  if (!path) return issue.kind === "schema" ? "unknown or missing frame type" : "invalid frame";
  // Stryker disable next-line MethodExpression: equivalent — paths are the schemas' own keys, all under 40 characters
  return `invalid field "${path.slice(0, 40)}": expected ${issue.expected ?? "valid value"}`;
}

/** The message id of a rejected frame, if it has a usable one, so the error can refer to it. */
function replyToOf(json: unknown): string | undefined {
  // Stryker disable next-line ConditionalExpression,LogicalOperator: unreachable — only JSON objects get here
  if (typeof json !== "object" || json === null) return undefined;
  const id = (json as { id?: unknown }).id;
  return typeof id === "string" && id.length > 0 && id.length <= 128 ? id : undefined;
}
