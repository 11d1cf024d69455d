import { describe, expect, it } from "vitest";
import { originPolicy } from "../../../src/transports/policy/index.js";

describe("originPolicy()", () => {
  it("compares the Origin's host with the Host header, default ports included", () => {
    const same = originPolicy(undefined, "test");
    expect(same(undefined, "example.com")).toBe(true);
    expect(same("https://example.com", "example.com")).toBe(true);
    expect(same("https://Example.com", "example.COM:443")).toBe(true);
    expect(same("http://example.com:80", "example.com")).toBe(true);
    expect(same("https://example.com", "example.com:8443")).toBe(false);
    expect(same("https://example.com.evil.example", "example.com")).toBe(false);
    expect(same("https://example.com", undefined)).toBe(false);
    expect(same("null", "example.com")).toBe(false);
  });

  it("rejects what is neither a list, a function nor '*'", () => {
    expect(() => originPolicy("https://a.example" as never, "serve()")).toThrow(
      /allowedOrigins must be/,
    );
  });
});
