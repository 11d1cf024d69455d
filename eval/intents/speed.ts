/**
 * CPU time of the built-in recognizer per message, with 50, 150 and 500 intents of 5
 * examples (CLINC150 sentences; the 500 are regrouped from its training sample), and the
 * one-off cost of building and calibrating the model; alone and with the bundled word
 * vectors (`botwire/word-vectors`). `npm run eval:intents -- --speed`.
 */
import { IntentRecognizer } from "../../src/router/intent/recognizer.js";
import { wordVectors } from "../../src/word-vectors/index.js";
import { readSplit } from "./data.js";

const train = [...readSplit("clinc150/train")];
const test = [...readSplit("clinc150/test").values()].flat();
const cpuMs = async (run: () => unknown) => {
  const start = process.cpuUsage();
  await run();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
};

async function measure(
  label: string,
  intents: Array<[string, string[]]>,
  vectors: boolean,
  print = true,
) {
  const r = new IntentRecognizer(vectors ? { embeddings: wordVectors() } : {});
  for (const [name, examples] of intents) r.add(name, examples);
  const recognize = (text: string) => (vectors ? r.recognizeAsync(text) : r.recognize(text));
  const build = await cpuMs(() => recognize("warm up"));
  for (const text of test.slice(0, 300)) await recognize(text); // JIT warm-up
  const messages = test.slice(300, 1300);
  const perMessage = await cpuMs(async () => {
    for (const text of messages) await recognize(text);
  });
  if (!print) return;
  console.log(
    `| ${label} | ${vectors ? "with word vectors" : "alone"} | ${build.toFixed(0)} ms | ${(perMessage / messages.length).toFixed(3)} ms |`,
  );
}

console.log("| intents × 5 examples | recognizer | build + calibrate (once) | CPU per message |");
console.log("|---|---|---|---|");
const sentences = train.flatMap(([, examples]) => examples);
const sets: Array<[string, Array<[string, string[]]>]> = [
  ...[50, 150].map((n): [string, Array<[string, string[]]>] => [
    String(n),
    train.slice(0, n).map(([name, examples]) => [name, examples.slice(0, 5)]),
  ]),
  ["500", Array.from({ length: 500 }, (_, i) => [`i${i}`, sentences.slice(i * 5, i * 5 + 5)])],
];
// A first, unprinted round: the JIT warms up and the word vectors are decoded.
const [warmUp] = sets;
if (warmUp !== undefined) {
  await measure(...warmUp, false, false);
  await measure(...warmUp, true, false);
}
for (const [label, intents] of sets) {
  await measure(label, intents, false);
  await measure(label, intents, true);
}
