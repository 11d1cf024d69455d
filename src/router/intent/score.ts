/**
 * The scores of a message for every intent of a {@link Model}: coverage by the intent's
 * vocabulary, cosine with the closest example and with the intent's centroid (words and
 * character trigrams each), minus the message's closeness to the background of everyday
 * chat. Every similarity comes from an inverted index, so the cost is the number of
 * (message term, example) pairs that share a term, not the number of examples.
 * @module
 */
import { type Model, TUNING } from "./model.js";
import { STOP_WORDS } from "./text.js";
import type { Vector } from "./vectors.js";

/** A message's vectors (see `vectorize`). */
export interface QueryVectors {
  words: Vector;
  grams: Vector;
}

/**
 * Raw scores (0–1) of every intent, the background included. With `leaveOut`, the score
 * that example would get if the model had been built without it (for calibration): `query`
 * must then be that example's own vectors.
 */
export function rawScores(model: Model, query: QueryVectors, leaveOut = -1): Float64Array {
  const words = model.words.cosines(query.words);
  const grams = model.grams.cosines(query.grams);
  const cover = coverageQuery(query.words);
  const known = model.vocabularies.dots(cover);
  const centroidWords = model.centroidWords.dots(query.words);
  const centroidGrams = model.centroidGrams.dots(query.grams);
  const left = model.examples[leaveOut];
  let total = 0;
  for (const weight of cover.weights.values()) total += weight;
  const out = new Float64Array(model.names.length);
  model.ranges.forEach(({ from, to }, i) => {
    let bestWords = 0;
    let bestGrams = 0;
    for (let e = from; e < to; e++) {
      if (e === leaveOut) continue;
      bestWords = Math.max(bestWords, words[e] as number);
      bestGrams = Math.max(bestGrams, grams[e] as number);
    }
    let covered = known[i] as number;
    let cw = centroidWords[i] as number;
    let cg = centroidGrams[i] as number;
    let normWords = model.centroidWords.norm(i);
    let normGrams = model.centroidGrams.norm(i);
    if (left !== undefined && left.intent === i) {
      // Without the example: its own words leave the vocabulary, its unit vector the centroid.
      const counts = model.counts[i];
      for (const [term, weight] of cover.weights) {
        if (counts?.get(term) === 1) covered -= weight;
      }
      [cw, normWords] = without(cw, normWords, query.words.norm);
      [cg, normGrams] = without(cg, normGrams, query.grams.norm);
    }
    const coverage = total === 0 ? 0 : covered / total;
    const cosW = normWords * query.words.norm === 0 ? 0 : cw / (normWords * query.words.norm);
    const cosG = normGrams * query.grams.norm === 0 ? 0 : cg / (normGrams * query.grams.norm);
    out[i] =
      TUNING.cover * coverage +
      TUNING.exampleWords * bestWords +
      TUNING.exampleGrams * bestGrams +
      TUNING.centroidWords * Math.max(0, cosW) +
      TUNING.centroidGrams * Math.max(0, cosG);
  });
  return out;
}

/**
 * The message's words as coverage weighs them: stop words count `TUNING.coverStopWeight`
 * of their IDF, so "how do I" alone explains little of a message.
 */
function coverageQuery(words: Vector): Vector {
  const factor = TUNING.stopWeight === 0 ? 1 : TUNING.coverStopWeight / TUNING.stopWeight;
  if (factor === 1) return words;
  const weights = new Map<string, number>();
  for (const [term, weight] of words.weights) {
    weights.set(term, STOP_WORDS.has(term) ? weight * factor : weight);
  }
  return { weights, norm: words.norm };
}

/**
 * The dot product of an example with its intent's centroid sum, and the sum's norm, once
 * the example's unit vector is taken out of the sum.
 */
function without(dotWithSum: number, normOfSum: number, ownNorm: number): [number, number] {
  if (ownNorm === 0) return [dotWithSum, normOfSum];
  const dotUnit = dotWithSum / ownNorm; // the example's unit vector · the sum
  const squared = normOfSum * normOfSum - 2 * dotUnit + 1;
  return [dotWithSum - ownNorm, Math.sqrt(Math.max(0, squared))];
}

/**
 * Final scores of the intents (the background left out): the raw score, lowered by how much
 * closer the message is to the background of everyday chat, clamped to 0–1.
 */
export function finalScores(model: Model, raw: Float64Array): Float64Array {
  const background = model.background < 0 ? 0 : (raw[model.background] as number);
  const out = new Float64Array(model.background < 0 ? raw.length : model.background);
  for (let i = 0; i < out.length; i++) {
    // Closer to everyday chat than to the intent: the score drops by the gap.
    const own = raw[i] as number;
    const score = own - TUNING.background * Math.max(0, background - own);
    out[i] = Math.min(1, Math.max(0, score));
  }
  return out;
}
