/**
 * Calibrates the threshold of a bot from its own examples: each example is scored as if the
 * model had been built without it (leave-one-out), and so is each sentence of the background
 * of everyday chat. The threshold is the one that best separates the two (the largest sum of
 * the share of examples kept and the share of background rejected); both shares are
 * reported to the developer.
 * @module
 */
import { CALIBRATION_CHAT } from "./background.js";
import { type Model, vectorize } from "./model.js";
import { finalScores, rawScores } from "./score.js";

/** How the threshold of a recognizer was chosen, and what it keeps and rejects. */
export interface IntentCalibration {
  /** The threshold in use. */
  threshold: number;
  /**
   * `"calibrated"` from the examples, `"fixed"` by the `threshold` option, or `"default"`
   * (0.38) when no intent has two examples to calibrate with.
   */
  source: "calibrated" | "fixed" | "default";
  /**
   * Share (0–1) of the examples recognised as their own intent, at the threshold, by a model
   * built without them (leave-one-out): what to expect of new phrasings of the same things.
   * `undefined` when no intent has two examples.
   */
  examplesRecognised: number | undefined;
  /** Share (0–1) of the built-in background of everyday chat rejected at the threshold. */
  backgroundRejected: number;
}

/**
 * How much more rejecting everyday chat counts than recognising an example: a wrong answer
 * costs a user more than "sorry, I did not get that".
 */
export const REJECTION_WEIGHT = 2;
/**
 * The threshold when there is nothing to calibrate with (no intent has two examples): the
 * built-in default before calibration existed.
 */
export const DEFAULT_INTENT_THRESHOLD = 0.38;
/** The lowest calibrated threshold. */
export const MIN_THRESHOLD = 0.2;
/** The highest calibrated threshold. */
export const MAX_THRESHOLD = 0.6;

/** Most examples scored for calibration; more are sampled evenly (the cost stays bounded). */
export const MAX_CALIBRATION_EXAMPLES = 600;

/** How calibration scores: the final scores (intents only, 0–1) of… */
export interface CalibrationScorer {
  /** …example `e` (a number in `model.examples`), by a model built without it; */
  leaveOut(e: number): Float64Array;
  /** …sentence `i` of the calibration chat (`CALIBRATION_CHAT`). */
  chat(i: number): Float64Array;
}

/** The lexical scores of the built-in recognizer. */
export function lexicalScorer(model: Model): CalibrationScorer {
  return {
    leaveOut: (e) => {
      const own = model.examples[e];
      return own === undefined ? new Float64Array(0) : finalScores(model, rawScores(model, own, e));
    },
    chat: (i) => finalScores(model, rawScores(model, vectorize(model, CALIBRATION_CHAT[i] ?? ""))),
  };
}

/** The best intent's number and score. */
function best(scores: Float64Array): { intent: number; score: number } {
  let top = { intent: -1, score: 0 };
  scores.forEach((score, intent) => {
    if (score > top.score) top = { intent, score };
  });
  return top;
}

/** The scores of the examples and of the background, each left out of the model. */
export function looScores(
  model: Model,
  scorer: CalibrationScorer,
): { examples: Array<{ correct: boolean; score: number }>; background: number[] } {
  const examples: Array<{ correct: boolean; score: number }> = [];
  const background = CALIBRATION_CHAT.map((_, i) => best(scorer.chat(i)).score);
  const candidates: number[] = [];
  model.ranges.forEach(({ from, to }, intent) => {
    if (intent !== model.background && to - from < 2) return;
    for (let e = from; e < to; e++) candidates.push(e);
  });
  const stride = Math.max(1, candidates.length / MAX_CALIBRATION_EXAMPLES);
  for (let k = 0; k < candidates.length; k += stride) {
    const e = candidates[Math.floor(k)] as number;
    const intent = model.examples[e]?.intent;
    const top = best(scorer.leaveOut(e));
    if (intent === model.background) background.push(top.score);
    else examples.push({ correct: top.intent === intent, score: top.score });
  }
  return { examples, background };
}

/** Calibrates the threshold of a model; `fixed` keeps a threshold set by the developer. */
export function calibrate(
  model: Model,
  fixed?: number,
  scorer: CalibrationScorer = lexicalScorer(model),
): IntentCalibration {
  const { examples, background } = looScores(model, scorer);
  // The threshold that best separates the examples (recognised as their own intent) from
  // the background (rejected): the largest weighted sum of the two shares.
  let best = -1;
  let chosen = MIN_THRESHOLD;
  const candidates = new Set([...background, ...examples.map((e) => e.score)]);
  for (const t of [...candidates].sort((a, b) => a - b)) {
    const j =
      share(examples, (e) => e.correct && e.score >= t) +
      REJECTION_WEIGHT * share(background, (s) => s < t);
    if (j > best) [best, chosen] = [j, t];
  }
  const calibrated = Math.round(Math.min(MAX_THRESHOLD, Math.max(MIN_THRESHOLD, chosen)) * 1000);
  const threshold = fixed ?? (examples.length === 0 ? DEFAULT_INTENT_THRESHOLD : calibrated / 1000);
  return {
    threshold,
    source: fixed !== undefined ? "fixed" : examples.length === 0 ? "default" : "calibrated",
    examplesRecognised:
      examples.length === 0 ? undefined : share(examples, (e) => e.correct && e.score >= threshold),
    backgroundRejected: background.length === 0 ? 1 : share(background, (s) => s < threshold),
  };
}

/** The share (0–1) of `items` that pass `test`; 0 of none. */
function share<T>(items: readonly T[], test: (item: T) => boolean): number {
  return items.length === 0 ? 0 : items.filter(test).length / items.length;
}
