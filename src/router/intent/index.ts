/**
 * Intent recognition: the built-in recognizer and the predicate behind `bot.intent()`.
 * @module
 */
export { isIntent, type RecognizerFn } from "./predicate.js";
export {
  DEFAULT_INTENT_THRESHOLD,
  IntentRecognizer,
  type IntentRecognizerOptions,
} from "./recognizer.js";
export { normalizeText, tokenize } from "./text.js";
