// A local, deterministic stand-in for a language model, for the examples and their tests:
// no network, no key. The answer is derived from the prompt alone (the same prompt always
// gives the same words), several paragraphs long, and streamed one "word " token at a time
// with a small delay, like a model would. It stops promptly when its AbortSignal aborts.
// Plain JavaScript with web globals only (setTimeout, AbortSignal), so it runs anywhere.

const OPENINGS = [
  "Here is how I would think about it.",
  "Good question, and one with more than one side to it.",
  "Let me walk through it step by step.",
  "There is a short answer and a longer one; here is the longer one.",
];

const MIDDLES = [
  "Start with the simplest version of the problem and make sure it works end to end before adding anything clever.",
  "Most of the difficulty hides in the edges: empty input, very long input, and the moment a connection drops halfway.",
  "It helps to write down what must never happen, because those rules decide the design more than the happy path does.",
  "Measure before optimising; the slow part is rarely where intuition says it is, and a profile settles the argument quickly.",
  "Small, well named pieces beat one large clever function, because each piece can be tested and replaced on its own.",
  "A streamed answer feels faster than a complete one that arrives later, even when the total time is exactly the same.",
  "When two parts disagree about state, pick one of them as the source of truth and let the other one follow it.",
  "Timeouts and cancellation are features, not afterthoughts: every wait should have an end and every task a way to stop.",
  "Write the test that would have caught the last bug, then keep it, so the same mistake cannot come back quietly.",
  "Prefer boring, well understood tools for the foundation, and keep the experiments at the edges where they are cheap to undo.",
];

const CLOSINGS = [
  "In short: keep it simple, make failure visible, and let the user stop what they no longer need.",
  "That is the whole picture as far as this small local model can see it.",
  "I hope that helps; ask a follow-up question and I will stream another answer.",
  "If anything is unclear, ask again with more detail and the answer will change with it.",
];

/** FNV-1a: a small, stable hash of the prompt, the seed of everything below. */
function hash(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** mulberry32: a tiny deterministic pseudo-random generator. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The prompt as a short topic: whitespace collapsed, at most 80 characters. */
function topicOf(prompt) {
  const topic = String(prompt ?? "")
    .replace(/\s+/g, " ")
    .trim();
  if (topic === "") return "nothing in particular";
  return topic.length > 80 ? `${topic.slice(0, 79)}…` : topic;
}

/**
 * The whole answer the local model gives to `prompt`: deterministic, at least 150 words in
 * several paragraphs separated by blank lines.
 * @param {string} prompt
 * @returns {string}
 */
export function localAnswer(prompt) {
  const topic = topicOf(prompt);
  const next = random(hash(topic));
  const pick = (list) => list[Math.floor(next() * list.length)];
  // The longest words of the prompt, to keep coming back to the subject.
  const words = topic
    .split(/[^\p{L}\p{N}'-]+/u)
    .filter((word) => word.length > 3)
    .sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
  const keyword = words[0] ?? "this";
  // A seeded Fisher-Yates shuffle: the same order for the same prompt, in every engine.
  const middles = [...MIDDLES];
  for (let i = middles.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [middles[i], middles[j]] = [middles[j], middles[i]];
  }

  const paragraphs = [
    `You asked: “${topic}”. ${pick(OPENINGS)} This reply comes from the local stand-in model of the botwire examples, so it is the same every time you ask the same question, and it is streamed to you one word at a time.`,
    `First, about ${keyword}. ${middles[0]} ${middles[1]} ${middles[2]}`,
    `Second, think about the people who will rely on ${keyword}. ${middles[3]} ${middles[4]} ${middles[5]}`,
    `Third, a practical note. ${middles[6]} ${middles[7]} This is arrangement number ${(hash(topic) % 900) + 100} of these thoughts; a different question gets a different one.`,
    pick(CLOSINGS),
  ];
  return paragraphs.join("\n\n");
}

/** The answer split into tokens that keep their spaces: "word ", "word\n\n", … */
function tokensOf(text) {
  return text.match(/\s+|\S+\s*/g) ?? [];
}

/** Waits `ms`, or less when `signal` aborts; the timer is cleared either way. */
function sleep(ms, signal) {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}

/**
 * Streams {@link localAnswer}(prompt) token by token ("word " with its spaces), waiting
 * `delayMs` between tokens. When `signal` aborts it stops promptly: the pending wait ends at
 * once and the generator returns without yielding another token.
 * @param {string} prompt
 * @param {{ signal?: AbortSignal, delayMs?: number }} [options]
 * @returns {AsyncGenerator<string, void, undefined>}
 */
export async function* localTokens(prompt, { signal, delayMs = 30 } = {}) {
  const tokens = tokensOf(localAnswer(prompt));
  for (let i = 0; i < tokens.length; i++) {
    if (signal?.aborted) return;
    if (i > 0 && delayMs > 0) {
      await sleep(delayMs, signal);
      if (signal?.aborted) return;
    }
    yield tokens[i];
  }
}
