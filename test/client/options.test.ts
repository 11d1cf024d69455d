import { describe, expect, it } from "vitest";
import { backoffDelay, resolveOptions } from "../../src/client/options.js";

describe("client options", () => {
  const reconnect = { initialDelayMs: 100, maxDelayMs: 1000, factor: 2, maxRetries: 5 };

  it("backs off exponentially with full jitter, capped at maxDelayMs", () => {
    const highest = [0, 1, 2, 3, 4, 5].map((a) => backoffDelay(reconnect, a, () => 0.999999));
    expect(highest).toEqual([99, 199, 399, 799, 999, 999]);
    expect(backoffDelay(reconnect, 3, () => 0)).toBe(0);
    expect(backoffDelay(reconnect, 3, () => 0.5)).toBe(400);
  });

  it("applies defaults and accepts reconnect: false", () => {
    const options = resolveOptions({ reconnect: false, WebSocket: class {} as never });
    expect(options.reconnect).toBe(false);
    expect(options).toMatchObject({ requestTimeoutMs: 30_000, maxQueue: 100, ackEvery: 32 });
    expect(resolveOptions({ WebSocket: class {} as never }).reconnect).toEqual({
      initialDelayMs: 500,
      maxDelayMs: 30_000,
      factor: 2,
      maxRetries: Number.POSITIVE_INFINITY,
    });
  });

  it("rejects bad values naming the option", () => {
    expect(() => resolveOptions({ reconnect: { maxRetries: Number.NaN } })).toThrow(/maxRetries/);
    expect(() => resolveOptions({ token: 42 as never })).toThrow(/token/);
    expect(() => resolveOptions({ WebSocket: "ws" as never })).toThrow(/WebSocket/);
    expect(() => resolveOptions(null as never)).toThrow(TypeError);
  });
});
