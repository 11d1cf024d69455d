/**
 * What a handler may send: checked and shaped into a message body.
 * @module
 */
import type { OutgoingMessage } from "../protocol/frames.js";

/** What `ctx.reply` and `ctx.send` accept: a text, or a text and/or data. */
export type Reply = string | OutgoingMessage;

/**
 * @internal Checks what `reply`, `send`, `sendTo` and `broadcast` were given and turns it
 * into a message body.
 */
export function toOutgoing(reply: Reply): OutgoingMessage {
  if (typeof reply === "string") return { text: reply };
  if (typeof reply !== "object" || reply === null) {
    throw new TypeError("a message is a string or { text?, data? }");
  }
  const out: OutgoingMessage = {};
  if (reply.text !== undefined) {
    if (typeof reply.text !== "string") throw new TypeError("reply text must be a string");
    out.text = reply.text;
  }
  if (reply.data !== undefined) out.data = reply.data;
  return out;
}

/** @internal Checks a room name. */
export function checkRoom(room: unknown): string {
  if (typeof room !== "string" || room.length === 0 || room.length > 256) {
    throw new TypeError("room names are non-empty strings of at most 256 characters");
  }
  return room;
}
