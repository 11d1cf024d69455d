/**
 * CPU time of the built-in recognizer per message, with 50, 150 and 500 intents of 5
 * examples (CLINC150 sentences; the 500 are regrouped from its training sample), and the
 * one-off cost of building and calibrating the model. `npm run eval:intents -- --speed`.
 */
import { IntentRecognizer } from "../../src/router/intent/recognizer.js";
import { readSplit } from "./data.js";

const train = [...readSplit("clinc150/train")];
const test = [...readSplit("clinc150/test").values()].flat();
const cpuMs = (run: () => void) => {
  const start = process.cpuUsage();
  run();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
};

function measure(label: string, intents: Array<[string, string[]]>) {
  const r = new IntentRecognizer();
  for (const [name, examples] of intents) r.add(name, examples);
  const build = cpuMs(() => r.recognize("warm up"));
  for (const text of test.slice(0, 300)) r.recognize(text); // JIT warm-up
  const messages = test.slice(300, 1300);
  const perMessage = cpuMs(() => {
    for (const text of messages) r.recognize(text);
  });
  console.log(
    `| ${label} | ${build.toFixed(0)} ms | ${(perMessage / messages.length).toFixed(3)} ms |`,
  );
}

console.log("| intents × 5 examples | build + calibrate (once) | CPU per message |");
console.log("|---|---|---|");
for (const n of [50, 150]) {
  measure(
    String(n),
    train.slice(0, n).map(([name, examples]) => [name, examples.slice(0, 5)]),
  );
}
const sentences = train.flatMap(([, examples]) => examples);
measure(
  "500",
  Array.from({ length: 500 }, (_, i) => [`i${i}`, sentences.slice(i * 5, i * 5 + 5)]),
);
