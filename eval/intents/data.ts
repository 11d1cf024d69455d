/** The committed samples of CLINC150 and BANKING77 (see data/README.md), read from disk. */
import { readFileSync } from "node:fs";

/** Utterances by intent. */
export type Split = Map<string, string[]>;

/** Reads one `intent<TAB>text` file of data/. */
export function readSplit(name: string): Split {
  const out: Split = new Map();
  // run.mjs runs a bundle from a temporary folder: it says where the data is.
  const dir = process.env.BOTWIRE_EVAL_DATA ?? new URL("data/", import.meta.url).pathname;
  const text = readFileSync(`${dir}${name}.tsv`, "utf8");
  for (const line of text.split("\n")) {
    const tab = line.indexOf("\t");
    if (tab < 0) continue;
    const label = line.slice(0, tab);
    const list = out.get(label) ?? [];
    list.push(line.slice(tab + 1));
    out.set(label, list);
  }
  return out;
}

/** A seeded generator (mulberry32): the same seed picks the same intents and examples. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seeded shuffle (Fisher–Yates) of a copy. */
export function shuffle<T>(items: readonly T[], next: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}
