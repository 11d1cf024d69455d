import type { DeltaFrame, ServerMessageFrame } from "../../src/protocol/index.js";

/** Yields `tokens` one by one, waiting `delayMs` before each (and stopping when `signal` aborts). */
export async function* slowTokens(tokens: readonly string[], delayMs = 2, signal?: AbortSignal) {
  for (const token of tokens) {
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    if (signal?.aborted === true) return;
    yield token;
  }
}

/** A long deterministic text with multi-byte characters, split into tokens. */
export function tokens(count: number): string[] {
  const words = ["héllo", "wörld", "😀", "stream", "ünïcode", "🚀🚀", "text", "ok"];
  return Array.from({ length: count }, (_, i) => `${words[i % words.length]}${i} `);
}

/**
 * Applies deltas the way a client must: drop what it has, append what is beyond, stop at a
 * hole. Returns the text and whether a repeat or hole was seen.
 */
export function reassemble(deltas: readonly DeltaFrame[], stream: string, start = "") {
  let text = start;
  let repeats = 0;
  let holes = 0;
  for (const d of deltas) {
    if (d.stream !== stream) continue;
    if (d.at > text.length) {
      holes++;
      continue;
    }
    if (d.at + d.text.length <= text.length) {
      if (d.text.length > 0) repeats++;
      continue;
    }
    if (d.at < text.length) repeats++;
    text = text.slice(0, d.at) + d.text;
  }
  return { text, repeats, holes };
}

/** The stream messages (opening and finals) of a list of frames. */
export function streamMessages(messages: readonly ServerMessageFrame[]) {
  const openings = messages.filter((m) => m.stream !== undefined && m.end === undefined);
  const finals = messages.filter((m) => m.stream !== undefined && m.end !== undefined);
  return { openings, finals };
}
