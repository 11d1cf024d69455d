import { describe, expect, it } from "vitest";
import { AddressBudget, addressKey } from "../../../src/transports/policy/index.js";

describe("AddressBudget and addressKey", () => {
  it("refills tokens over the window and bounds the addresses it remembers", () => {
    let now = 0;
    const budget = new AddressBudget({ limit: 2, windowMs: 1000 }, { maxKeys: 3, now: () => now });
    expect(budget.take("a")).toBe(0);
    expect(budget.take("a")).toBe(0);
    expect(budget.take("a")).toBe(500);
    expect(budget.waitMs("a")).toBe(500);
    now = 500;
    expect(budget.take("a")).toBe(0);
    for (const key of ["b", "c", "d", "e"]) budget.take(key);
    expect(budget.size).toBeLessThanOrEqual(3);
  });

  it("keys IPv6 by its /64 and leaves IPv4 and unparsable addresses alone", () => {
    expect(addressKey("2001:db8:1:2::1")).toBe("2001:db8:1:2::/64");
    expect(addressKey("2001:0DB8:0001:0002:ffff::9")).toBe("2001:db8:1:2::/64");
    expect(addressKey("::1")).toBe("0:0:0:0::/64");
    expect(addressKey("fe80::1%eth0")).toBe("fe80:0:0:0::/64");
    expect(addressKey("::ffff:10.1.2.3")).toBe("10.1.2.3");
    expect(addressKey("::ffff:a01:203")).toBe("10.1.2.3");
    expect(addressKey("10.1.2.3")).toBe("10.1.2.3");
    expect(addressKey("unix-socket")).toBe("unix-socket");
    expect(addressKey(undefined)).toBeUndefined();
  });
});
