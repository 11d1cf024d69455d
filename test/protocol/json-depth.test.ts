import { describe, expect, it } from "vitest";
import { jsonDepthExceeds } from "../../src/protocol/json.js";

/** The character-by-character scanner jsonDepthExceeds replaced (strings skipped by search). */
function reference(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) inString = false;
    } else if (c === 34) {
      inString = true;
    } else if (c === 123 || c === 91) {
      if (++depth > limit) return true;
    } else if (c === 125 || c === 93) {
      depth--;
    }
  }
  return false;
}

describe("jsonDepthExceeds", () => {
  it("agrees with a char-by-char scan on random text full of quotes, escapes and brackets", () => {
    const alphabet = ['"', "\\", "{", "}", "[", "]", "a", ":", ","];
    let x = 42;
    const rand = (n: number) => {
      x = (x * 1103515245 + 12345) % 2147483648;
      return x % n;
    };
    for (let n = 0; n < 20_000; n++) {
      let text = "";
      const len = rand(30);
      for (let i = 0; i < len; i++) text += alphabet[rand(alphabet.length)];
      const limit = rand(5);
      expect(jsonDepthExceeds(text, limit), `${text} @ ${limit}`).toBe(reference(text, limit));
    }
  });

  it("does not count brackets inside strings, however the quotes are escaped", () => {
    expect(jsonDepthExceeds('{"a":"\\\\"}', 1)).toBe(false);
    expect(jsonDepthExceeds('{"a":"\\\\\\"[[[["}', 1)).toBe(false);
    expect(jsonDepthExceeds('{"a":"\\\\",[[[1]]]}', 3)).toBe(true);
    expect(jsonDepthExceeds(`{"t":"${"x".repeat(10_000)}","d":[[[[1]]]]}`, 4)).toBe(true);
  });
});
