/**
 * The intent benchmark behind docs/intents.md: the built-in recognizer and a TF-IDF centroid
 * baseline on committed samples of CLINC150 and BANKING77, few examples per intent, several
 * seeds. Run with `npm run eval:intents` (see run.mjs for the options).
 */
import { TUNING } from "../../src/router/intent/model.js";
import { IntentRecognizer } from "../../src/router/intent/recognizer.js";
import { wordVectors } from "../../src/word-vectors/index.js";
import { CentroidBaseline } from "./baseline.js";
import { random, readSplit, type Split, shuffle } from "./data.js";

interface System {
  top(text: string): { name: string; score: number } | Promise<{ name: string; score: number }>;
  /** The threshold the system picked for itself, if any (known after `ready`). */
  readonly threshold: number | undefined;
  /** Prepares what `top` needs that takes a wait (embedding the examples). */
  ready?(): Promise<void>;
}

const args = process.argv.slice(2);
const arg = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i < 0 ? undefined : args[i + 1];
};
const SPLIT = arg("split") === "val" ? "val" : "test";
const SEEDS = (arg("seeds") ?? "1,2,3,4,5").split(",").map(Number);
const QUICK = args.includes("--quick");
const FULL = args.includes("--full");
const ONLY = arg("only");
const MARGIN = Number(arg("margin") ?? 0);
// Tuning knobs for experiments: --tune '{"cover":0.4}' (not used for the published figures).
Object.assign(TUNING, JSON.parse(arg("tune") ?? "{}"));

// The share of the word vectors in the hybrid score (for tuning; default: theirs).
const WEIGHT = arg("weight") === undefined ? undefined : Number(arg("weight"));

const SYSTEMS: Record<string, () => { train(m: Map<string, string[]>): System }> = {
  "botwire built-in": () => ({
    train(m) {
      const r = new IntentRecognizer();
      for (const [name, examples] of m) r.add(name, examples);
      r.rank("warm up");
      return {
        top: (text) => {
          const ranked = r.rank(text);
          const first = ranked[0] ?? { name: "", score: 0 };
          return { name: first.name, score: first.score - MARGIN * (ranked[1]?.score ?? 0) };
        },
        threshold: r.threshold,
      };
    },
  }),
  "botwire + word vectors": () => ({
    train(m) {
      const r = new IntentRecognizer({
        embeddings: wordVectors(WEIGHT === undefined ? {} : { weight: WEIGHT }),
      });
      for (const [name, examples] of m) r.add(name, examples);
      let threshold: number | undefined;
      return {
        async ready() {
          threshold = (await r.calibrationAsync()).threshold;
        },
        top: async (text) => (await r.rankAsync(text))[0] ?? { name: "", score: 0 },
        get threshold() {
          return threshold;
        },
      };
    },
  }),
  "TF-IDF centroid baseline": () => ({
    train(m) {
      const b = new CentroidBaseline();
      b.train(m);
      return { top: (text) => b.top(text), threshold: undefined };
    },
  }),
};

interface Task {
  name: string;
  intents: number;
  examples: number;
  train: Split;
  /** The test utterances; `"rest"`: each intent's training utterances not picked to learn. */
  test: Split | "rest";
  /** Out-of-scope utterances, or the number of held-out intents whose test set is out of scope. */
  oos: string[] | number;
  target?: "rejection90" | "inscope60";
}

const clincTrain = readSplit("clinc150/train");
const clincTest = readSplit(SPLIT === "val" ? "clinc150/val" : "clinc150/test");
const clincOos = [
  ...(readSplit(SPLIT === "val" ? "clinc150/oos_val" : "clinc150/oos_test").get("oos") ?? []),
];
const bankTrain = readSplit("banking77/train");
const bankTest = readSplit("banking77/test");
const clinc = (intents: number, examples: number): Task => ({
  name: `CLINC150, ${intents} intents × ${examples}`,
  intents,
  examples,
  train: clincTrain,
  test: clincTest,
  oos: clincOos,
  target: "rejection90",
});
const TASKS: Task[] = [
  ...(FULL ? [clinc(20, 5)] : []),
  clinc(50, 5),
  ...(QUICK ? [] : [clinc(50, 10)]),
  ...(FULL ? [clinc(150, 5)] : []),
  {
    name: "BANKING77, 50 in scope × 5, 27 out",
    intents: 50,
    examples: 5,
    train: bankTrain,
    // BANKING77 has no validation split: with --split val, the training utterances not
    // picked to learn are the test (5 to learn, 15 to test per intent).
    test: SPLIT === "val" ? "rest" : bankTest,
    oos: 27,
    target: "inscope60",
  },
];

interface Scored {
  inScope: Array<{ correct: boolean; score: number }>;
  oos: number[];
  threshold: number | undefined;
  ms: number;
}

async function runSeed(
  task: Task,
  make: () => { train(m: Map<string, string[]>): System },
  seed: number,
): Promise<Scored> {
  const next = random(seed);
  const names = shuffle([...task.train.keys()], next);
  const chosen = names.slice(0, task.intents);
  const training = new Map<string, string[]>();
  const rest = new Map<string, string[]>();
  for (const name of chosen) {
    const all = shuffle(task.train.get(name) ?? [], next);
    training.set(name, all.slice(0, task.examples));
    rest.set(name, all.slice(task.examples));
  }
  const testOf = (name: string) =>
    task.test === "rest"
      ? (rest.get(name) ?? (task.train.get(name) ?? []).slice(task.examples))
      : (task.test.get(name) ?? []);
  const oos =
    typeof task.oos === "number"
      ? names.slice(task.intents, task.intents + task.oos).flatMap(testOf)
      : task.oos;
  const system = make().train(training);
  await system.ready?.();
  const start = performance.now();
  const inScope: Array<{ correct: boolean; score: number }> = [];
  for (const name of chosen) {
    for (const text of testOf(name)) {
      const top = await system.top(text);
      inScope.push({ correct: top.name === name, score: top.score });
    }
  }
  const oosScores: number[] = [];
  for (const text of oos) oosScores.push((await system.top(text)).score);
  const ms = (performance.now() - start) / (inScope.length + oosScores.length);
  return { inScope, oos: oosScores, threshold: system.threshold, ms };
}

/** In-scope accuracy and out-of-scope rejection when accepting scores ≥ t. */
function at(s: Scored, t: number) {
  const inScope = s.inScope.filter((x) => x.correct && x.score >= t).length / s.inScope.length;
  const rejected = s.oos.filter((x) => x < t).length / s.oos.length;
  return { inScope, rejected };
}

/** Candidate thresholds: every score seen, plus one above them all. */
function candidates(s: Scored): number[] {
  return [...new Set([...s.inScope.map((x) => x.score), ...s.oos, 2])].sort((a, b) => a - b);
}

function inScopeAtRejection(s: Scored, rejection: number): number {
  for (const t of candidates(s)) {
    const r = at(s, t);
    if (r.rejected >= rejection) return r.inScope;
  }
  return 0;
}

function rejectionAtInScope(s: Scored, inScope: number): number {
  let best = 0;
  for (const t of candidates(s)) {
    const r = at(s, t);
    if (r.inScope >= inScope) best = Math.max(best, r.rejected);
  }
  return best;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

console.log(
  `split: ${SPLIT}; seeds: ${SEEDS.join(", ")}; figures are means over the seeds; ` +
    "own threshold = the recognizer's calibrated one; top-1 = best intent right, no rejection\n",
);
console.log(
  "| set | system | in-scope (own threshold) | out-of-scope rejected | in-scope at 90 % rejection | rejection at 60 % in-scope | threshold | top-1 | ms / message |",
);
console.log("|---|---|---|---|---|---|---|---|---|");
for (const task of TASKS) {
  for (const [label, make] of Object.entries(SYSTEMS)) {
    if (ONLY !== undefined && !label.includes(ONLY)) continue;
    const runs: Scored[] = [];
    for (const seed of SEEDS) runs.push(await runSeed(task, make, seed));
    const own = runs.map((s) => (s.threshold === undefined ? undefined : at(s, s.threshold)));
    const has = own.every((x) => x !== undefined);
    const cells = [
      task.name,
      label,
      has ? pct(mean(own.map((x) => x?.inScope ?? 0))) : "—",
      has ? pct(mean(own.map((x) => x?.rejected ?? 0))) : "—",
      pct(mean(runs.map((s) => inScopeAtRejection(s, 0.9)))),
      pct(mean(runs.map((s) => rejectionAtInScope(s, 0.6)))),
      has ? mean(runs.map((s) => s.threshold ?? 0)).toFixed(3) : "—",
      pct(mean(runs.map((s) => at(s, Number.NEGATIVE_INFINITY).inScope))),
      mean(runs.map((s) => s.ms)).toFixed(2),
    ];
    console.log(`| ${cells.join(" | ")} |`);
  }
}
