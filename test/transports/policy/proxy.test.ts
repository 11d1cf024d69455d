import { describe, expect, it } from "vitest";
import { proxyPolicy } from "../../../src/transports/policy/index.js";

describe("proxyPolicy()", () => {
  const headers = (xff: string) => ({ "x-forwarded-for": xff });

  it("walks from the socket address to the first untrusted hop", () => {
    const resolve = proxyPolicy(["loopback", "10.0.0.0/8"], undefined, "test");
    expect(resolve("127.0.0.1", headers("1.1.1.1, 2.2.2.2, 10.0.0.2"))).toBe("2.2.2.2");
    expect(resolve("::ffff:127.0.0.1", headers("3.3.3.3"))).toBe("3.3.3.3");
    expect(resolve("192.0.2.1", headers("3.3.3.3"))).toBe("192.0.2.1");
    // Every hop trusted: the leftmost address.
    expect(resolve("127.0.0.1", headers("10.0.0.5, 10.0.0.6"))).toBe("10.0.0.5");
    // No header: the socket's address.
    expect(resolve("127.0.0.1", {})).toBe("127.0.0.1");
  });

  it("counts hops and falls back to the proxy when it forwarded something that is not an IP", () => {
    const two = proxyPolicy(2, undefined, "test");
    expect(two("10.0.0.1", headers("1.1.1.1, 2.2.2.2, 10.0.0.9"))).toBe("2.2.2.2");
    expect(two("10.0.0.1", headers("10.0.0.9"))).toBe("10.0.0.9");
    const one = proxyPolicy(1, undefined, "test");
    expect(one("10.0.0.1", headers("garbage"))).toBe("10.0.0.1");
    expect(one("10.0.0.1", headers("[2001:db8::1]:443"))).toBe("2001:db8::1");
    expect(one("10.0.0.1", headers("192.0.2.1:5555"))).toBe("192.0.2.1");
  });

  it("parses quoted, bracketed and obfuscated Forwarded elements", () => {
    const one = proxyPolicy(1, "forwarded", "test");
    expect(one("10.0.0.1", { forwarded: 'for="[2001:db8::1]:80";by=x' })).toBe("2001:db8::1");
    expect(one("10.0.0.1", { forwarded: "proto=https;For=192.0.2.60" })).toBe("192.0.2.60");
    expect(one("10.0.0.1", { forwarded: "for=_hidden" })).toBe("10.0.0.1");
    expect(one("10.0.0.1", { forwarded: ["for=192.0.2.1", "for=192.0.2.2"] })).toBe("192.0.2.2");
  });
});
