import { describe, expect, it } from "vitest";
import { IntentRecognizer } from "../../../src/index.js";
import {
  HELD_OUT_IN_SCOPE,
  HELD_OUT_OUT_OF_SCOPE,
  IN_SCOPE,
  OUT_OF_SCOPE,
  TRAINING,
} from "./dataset.js";

function measure(inScope: Array<[string, string]>, outOfScope: string[]) {
  const recognizer = new IntentRecognizer();
  for (const [name, examples] of Object.entries(TRAINING)) recognizer.add(name, examples);
  const misses = inScope.filter(([text, label]) => recognizer.recognize(text)?.name !== label);
  const accepted = outOfScope.filter((text) => recognizer.recognize(text) !== undefined);
  return {
    inScope: (inScope.length - misses.length) / inScope.length,
    outOfScope: (outOfScope.length - accepted.length) / outOfScope.length,
    misses,
    accepted,
  };
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

describe("built-in recognizer accuracy (docs/intents.md reports these figures)", () => {
  it("the labelled set is big enough and disjoint from the training examples", () => {
    const intents = new Set(IN_SCOPE.map(([, label]) => label));
    expect(intents.size).toBeGreaterThanOrEqual(6);
    expect(IN_SCOPE.length).toBeGreaterThanOrEqual(60);
    expect(OUT_OF_SCOPE.length).toBeGreaterThanOrEqual(10);
    for (const examples of Object.values(TRAINING)) {
      expect(examples.length).toBeGreaterThanOrEqual(4);
      expect(examples.length).toBeLessThanOrEqual(6);
    }
    const training = new Set(
      Object.values(TRAINING)
        .flat()
        .map((t) => t.toLowerCase()),
    );
    const tests = [
      ...IN_SCOPE.map(([t]) => t),
      ...OUT_OF_SCOPE,
      ...HELD_OUT_IN_SCOPE.map(([t]) => t),
    ];
    for (const text of tests) expect(training.has(text.toLowerCase())).toBe(false);
  });

  it("gets >= 92% of in-scope utterances right and rejects >= 80% of out-of-scope ones", () => {
    const result = measure(IN_SCOPE, OUT_OF_SCOPE);
    console.log(
      `intent accuracy (labelled set, ${IN_SCOPE.length} in-scope / ${OUT_OF_SCOPE.length} out-of-scope): ` +
        `in-scope correct ${pct(result.inScope)}, out-of-scope rejected ${pct(result.outOfScope)}`,
    );
    expect(result.inScope).toBeGreaterThanOrEqual(0.92);
    expect(result.outOfScope).toBeGreaterThanOrEqual(0.8);
  });

  it("holds up on a held-out set written after tuning", () => {
    const result = measure(HELD_OUT_IN_SCOPE, HELD_OUT_OUT_OF_SCOPE);
    console.log(
      `intent accuracy (held-out set, ${HELD_OUT_IN_SCOPE.length} / ${HELD_OUT_OUT_OF_SCOPE.length}): ` +
        `in-scope correct ${pct(result.inScope)}, out-of-scope rejected ${pct(result.outOfScope)}; ` +
        `missed ${JSON.stringify(result.misses.map(([t]) => t))}`,
    );
    expect(result.inScope).toBeGreaterThanOrEqual(0.85);
    expect(result.outOfScope).toBeGreaterThanOrEqual(0.8);
  });

  it("is tolerant of small typos and ranks every intent", () => {
    const recognizer = new IntentRecognizer().add("hours", ["when are you open", "opening hours"]);
    recognizer.add("refund", ["can I get a refund", "money back"]);
    expect(recognizer.recognize("when are you opne")?.name).toBe("hours");
    expect(recognizer.recognize("refnud please")?.name).toBe("refund");
    const ranked = recognizer.rank("opening hours");
    expect(ranked.map((r) => r.name)).toEqual(["hours", "refund"]);
    expect(ranked[0]?.score).toBeGreaterThan(0.9);
    expect(recognizer.recognize("")).toBeUndefined();
    expect(() => new IntentRecognizer({ threshold: 2 })).toThrow(RangeError);
  });
});
