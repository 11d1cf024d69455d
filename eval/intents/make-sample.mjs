/**
 * Makes the committed samples of eval/intents/data from the upstream files (run once, by
 * hand; `npm run eval:intents` reads only the committed samples and downloads nothing):
 *
 *   node eval/intents/make-sample.mjs <clinc data_full.json> <banking77 train.csv> <banking77 test.csv>
 *
 * Upstream: github.com/clinc/oos-eval data/data_full.json (commit 828f8093) and
 * github.com/PolyAI-LDN/task-specific-datasets banking_data/{train,test}.csv (commit 57ec275d).
 * The sample is deterministic: the first N utterances of each intent in file order.
 */
import { readFileSync, writeFileSync } from "node:fs";

const [clincPath, trainPath, testPath] = process.argv.slice(2);
if (!clincPath || !trainPath || !testPath) throw new Error("usage: see the header");

function byIntent(pairs, limit) {
  const out = {};
  for (const [text, label] of pairs) {
    out[label] ??= [];
    if (out[label].length < limit) out[label].push(text);
  }
  return out;
}

/** One `intent<TAB>text` line per utterance (`oos` for out-of-scope lists). */
function write(name, data) {
  const pairs = Array.isArray(data)
    ? data.map((t) => ["oos", t])
    : Object.entries(data).flatMap(([label, texts]) => texts.map((t) => [label, t]));
  const lines = pairs.map(([label, text]) => `${label}\t${text.replace(/\s+/g, " ").trim()}\n`);
  writeFileSync(new URL(`data/${name}`, import.meta.url), lines.join(""));
}

const clinc = JSON.parse(readFileSync(clincPath, "utf8"));
const clincSample = {
  train: byIntent(clinc.train, 20),
  val: byIntent(clinc.val, 10),
  test: byIntent(clinc.test, 30),
  oos_val: clinc.oos_val.map(([t]) => t),
  oos_test: clinc.oos_test.map(([t]) => t),
};
for (const [split, data] of Object.entries(clincSample)) write(`clinc150/${split}.tsv`, data);

/** A CSV of `text,category` rows with RFC 4180 quoting. */
function csv(path) {
  const rows = [];
  const src = readFileSync(path, "utf8");
  let i = src.indexOf("\n") + 1; // header
  while (i < src.length) {
    let text = "";
    if (src[i] === '"') {
      i++;
      for (;;) {
        const q = src.indexOf('"', i);
        text += src.slice(i, q);
        i = q + 1;
        if (src[i] === '"') {
          text += '"';
          i++;
        } else break;
      }
      i++; // comma
    } else {
      const c = src.lastIndexOf(",", src.indexOf("\n", i));
      text = src.slice(i, c);
      i = c + 1;
    }
    let end = src.indexOf("\n", i);
    if (end < 0) end = src.length;
    rows.push([text, src.slice(i, end).trim()]);
    i = end + 1;
  }
  return rows;
}
const banking = { train: byIntent(csv(trainPath), 20), test: byIntent(csv(testPath), 40) };
for (const [split, data] of Object.entries(banking)) write(`banking77/${split}.tsv`, data);
