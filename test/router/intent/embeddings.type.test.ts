/** The types of the `embeddings` option of `new Bot()` and `IntentRecognizer`. */
import { describe, expectTypeOf, it } from "vitest";
import {
  Bot,
  type BotOptions,
  type Embeddings,
  type IntentRecognizerOptions,
} from "../../../src/index.js";

describe("embeddings option types", () => {
  it("takes an embedder returning number[][] or Float32Array[]", () => {
    expectTypeOf<BotOptions["embeddings"]>().toEqualTypeOf<Embeddings | undefined>();
    expectTypeOf<IntentRecognizerOptions["embeddings"]>().toEqualTypeOf<Embeddings | undefined>();
    new Bot({ embeddings: { embed: async (texts) => texts.map(() => [0, 1]) } });
    new Bot({
      embeddings: {
        id: "m",
        embed: async (texts: string[]) => texts.map(() => new Float32Array(2)),
      },
    });
    expectTypeOf<Parameters<Embeddings["embed"]>[0]>().toEqualTypeOf<string[]>();
  });

  it("rejects embedders of the wrong shape", () => {
    // Type checks only: never called (the Bot would throw on the last one).
    const wrong = () => {
      // @ts-expect-error: embed must return a promise of vectors
      new Bot({ embeddings: { embed: (texts: string[]) => texts.map(() => [0]) } });
      // @ts-expect-error: vectors are numbers
      new Bot({ embeddings: { embed: async (texts: string[]) => texts.map(() => ["0"]) } });
      // @ts-expect-error: an object with embed, not a function
      new Bot({ embeddings: async (texts: string[]) => texts.map(() => [0]) });
    };
    expectTypeOf(wrong).toBeFunction();
  });
});
