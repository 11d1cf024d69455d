import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { skipWithoutBuild } from "../helpers/dist-built.js";

// examples/intents-embeddings: without OPENAI_API_KEY it runs on the word vectors bundled
// with botwire (nothing downloaded, no network), or on the words alone with WORDS_ONLY=1;
// it plays a short script and prints each exchange and the calibration.

const BOT = fileURLToPath(new URL("../../examples/intents-embeddings/bot.js", import.meta.url));
const skip = skipWithoutBuild("intents-embeddings example test", [
  "index.js",
  "testing.js",
  "word-vectors.js",
]);

async function play(env: Record<string, string>): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [BOT], {
    env: { ...process.env, OPENAI_API_KEY: "", ...env },
    timeout: 30_000,
  });
  return stdout;
}

/** The replies of the script, by message. */
function replies(output: string): Map<string, string> {
  const out = new Map<string, string>();
  const lines = output.split("\n");
  lines.forEach((line, i) => {
    if (line.startsWith("> ")) out.set(line.slice(2), (lines[i + 1] ?? "").replace(/^< /, ""));
  });
  return out;
}

describe.skipIf(skip)("examples/intents-embeddings", () => {
  it("runs on the bundled word vectors when no API key is set", async () => {
    const output = await play({});
    expect(output.split("\n")[0]).toBe(
      "hybrid: lexical + bundled word vectors (set OPENAI_API_KEY for OpenAI's)",
    );
    const got = replies(output);
    expect(got.size).toBe(4);
    expect(got.get("locked out of my account")).toMatch(/^Reset it at \/account\/reset/);
    for (const reply of got.values()) expect(reply).not.toBe("");
    expect(output).toMatch(/calibration: \{\s+threshold: 0\.\d+,\s+source: 'calibrated'/);
  });

  it("runs on the words alone with WORDS_ONLY=1, with its own calibration", async () => {
    const [vectors, words] = await Promise.all([play({}), play({ WORDS_ONLY: "1" })]);
    expect(words.split("\n")[0]).toBe("lexical only");
    const threshold = (output: string) => Number(/threshold: (0\.\d+)/.exec(output)?.[1]);
    expect(threshold(words)).toBeGreaterThan(0);
    expect(threshold(words)).not.toBe(threshold(vectors));
    expect(replies(words).get("locked out of my account")).toMatch(/^Reset it/);
  });
});
