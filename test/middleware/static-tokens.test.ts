import { describe, expect, it } from "vitest";
import { staticTokens } from "../../src/index.js";

const info = { remoteAddress: undefined, origin: undefined, headers: {} };

describe("staticTokens() refuses tokens that cannot be secret", () => {
  it('refuses the key "undefined" that an unset environment variable becomes', async () => {
    const env: Record<string, string | undefined> = {};
    const build = () => staticTokens({ [env.BOT_TOKEN as string]: { id: "ops" } });
    expect(build).toThrow(TypeError);
    expect(build).toThrow(/"undefined".*environment variable/);
  });

  it('refuses "null", empty and whitespace-only keys', () => {
    expect(() => staticTokens({ [String(null)]: { id: 1 } })).toThrow(/"null"/);
    expect(() => staticTokens({ "": { id: 1 } })).toThrow(/empty/);
    expect(() => staticTokens(new Map([["                    ", { id: 1 }]]))).toThrow(/empty/);
  });

  it("refuses tokens shorter than 16 characters, without printing the token", () => {
    const short = "abc-123-secret";
    let error: unknown;
    try {
      staticTokens({ "a-good-long-token-0001": { id: 1 }, [short]: { id: 2 } });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(TypeError);
    expect(String(error)).toMatch(/at least 16 characters/);
    expect(String(error)).toMatch(/#2/);
    expect(String(error)).not.toContain(short);
  });

  it("accepts 16 characters and verifies as before", async () => {
    const verify = staticTokens({ "0123456789abcdef": { id: 1 } });
    expect(await verify("0123456789abcdef", info)).toEqual({ id: 1 });
    expect(await verify("undefined", info)).toBeUndefined();
  });
});
