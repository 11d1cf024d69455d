/** The threshold calibrated per bot from its own examples (leave-one-out), and its report. */
import { describe, expect, it } from "vitest";
import { IntentRecognizer } from "../../../src/index.js";
import { MAX_THRESHOLD, MIN_THRESHOLD } from "../../../src/router/intent/calibrate.js";
import { TRAINING } from "./dataset.js";

describe("threshold calibration", () => {
  it("calibrates from the examples and reports what the threshold keeps and rejects", () => {
    const r = new IntentRecognizer();
    for (const [name, examples] of Object.entries(TRAINING)) r.add(name, examples);
    const c = r.calibration;
    console.log(`shop bot calibration: ${JSON.stringify(c)}`);
    expect(c.source).toBe("calibrated");
    expect(c.threshold).toBeGreaterThanOrEqual(MIN_THRESHOLD);
    expect(c.threshold).toBeLessThanOrEqual(MAX_THRESHOLD);
    expect(r.threshold).toBe(c.threshold);
    expect(c.examplesRecognised).toBeGreaterThan(0.5);
    expect(c.backgroundRejected).toBeGreaterThan(0.8);
  });

  it("keeps a threshold set by the developer, and uses 0.38 when there is nothing to calibrate", () => {
    const fixed = new IntentRecognizer({ threshold: 0.5 }).add("a", ["hello there", "hi"]);
    expect(fixed.calibration).toMatchObject({ threshold: 0.5, source: "fixed" });
    const single = new IntentRecognizer().add("a", ["hello there"]).add("b", ["opening hours"]);
    expect(single.calibration).toMatchObject({ threshold: 0.38, source: "default" });
    expect(single.calibration.examplesRecognised).toBeUndefined();
  });

  it("recalibrates when examples are added", () => {
    const r = new IntentRecognizer().add("hours", ["when are you open", "opening hours"]);
    const before = r.calibration;
    r.add("refund", ["can I get a refund", "money back please"]);
    expect(r.calibration).not.toBe(before);
  });
});
