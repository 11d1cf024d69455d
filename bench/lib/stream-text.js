// The streamed reply of the "stream" shapes, shared by the servers (which produce it) and the
// load generator (which checks it). A request is a message whose text is
// `stream <tokens> <burst> [frames]`; the reply is `tokens` tokens of 5 UTF-16 code units
// each, produced by `tokenSource`: `burst` tokens per event-loop turn (setImmediate), i.e. a
// model that is as fast as the server can take it. `frames` (raw ws only): in how many delta
// frames to send it, so the baseline sends exactly as many frames as botwire did.

// A few tokens carry what a JSON encoder must escape (`"`, `\`, a newline) and characters
// outside ASCII (Latin-1, BMP, a surrogate pair), so a delta applied at a wrong offset or a
// wrongly escaped frame shows up as a mismatch.
const WORDS = [
  "the ",
  "fox ",
  "lazy",
  "dog.",
  "café",
  'a "q',
  "\\n\n ",
  "—ok ",
  "🙂 x",
  "jump",
  "over",
  "brow",
  "quic",
];
// Every token is 5 code units: a 4-unit word (the emoji counts 2) and a separator.
const SEPS = [" ", ",", " ", ".", " ", "\n", " "];

/** Token `i` (5 UTF-16 code units). */
export function tokenAt(i) {
  return WORDS[(i * 7 + (i >> 3)) % WORDS.length] + SEPS[i % SEPS.length];
}

const cache = new Map();
/** The whole reply of `tokens` tokens (cached: the load generator checks many of them). */
export function expectedText(tokens) {
  let text = cache.get(tokens);
  if (text === undefined) {
    text = "";
    for (let i = 0; i < tokens; i++) text += tokenAt(i);
    cache.set(tokens, text);
  }
  return text;
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

/** The source: `burst` tokens per event-loop turn, as an async generator. */
export async function* tokenSource(tokens, burst = 1) {
  for (let i = 0; i < tokens; i++) {
    if (i % burst === 0) await turn();
    yield tokenAt(i);
  }
}

/** `stream <tokens> <burst> [frames]` → `{ tokens, burst, frames }`, or undefined. */
export function parseRequest(text) {
  if (typeof text !== "string" || !text.startsWith("stream ")) return undefined;
  const [, tokens, burst, frames] = text.split(" ").map(Number);
  return { tokens, burst: burst || 1, frames: frames || tokens };
}

/**
 * The raw-ws way to stream: reads `tokenSource(tokens, burst)` and yields the text of each
 * of `frames` delta frames as `{ at, text }` (the first token at once, the rest cut at evenly
 * spread tokens, like botwire's coalescer), and last `{ whole }` with the whole text.
 */
export async function* framedPieces(tokens, burst, frames) {
  // The token count after which frame `j` goes out.
  const end = (j) => (frames === 1 ? tokens : 1 + Math.round((j * (tokens - 1)) / (frames - 1)));
  let text = "";
  let sent = 0;
  let count = 0;
  let frame = 0;
  let boundary = end(0);
  for await (const token of tokenSource(tokens, burst)) {
    text += token;
    if (++count < boundary) continue;
    yield { at: sent, text: text.slice(sent) };
    sent = text.length;
    boundary = end(++frame);
  }
  if (sent < text.length) yield { at: sent, text: text.slice(sent) };
  yield { whole: text };
}
