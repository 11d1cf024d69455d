import { describe, expect, it } from "vitest";
import { KeyedMutex } from "../../src/session/mutex.js";

describe("KeyedMutex", () => {
  it("hands a key to waiters one at a time, in the order they asked", async () => {
    const mutex = new KeyedMutex();
    const release = mutex.tryAcquire("k");
    expect(release).toBeTypeOf("function");
    expect(mutex.tryAcquire("k")).toBeUndefined();
    const order: string[] = [];
    const waiters = ["a", "b", "c"].map(async (name) => {
      const done = await mutex.acquire("k");
      order.push(`${name} in`);
      await new Promise((resolve) => setTimeout(resolve, 2));
      order.push(`${name} out`);
      done();
    });
    expect(order).toEqual([]);
    release?.();
    await Promise.all(waiters);
    expect(order).toEqual(["a in", "a out", "b in", "b out", "c in", "c out"]);
    expect(mutex.size).toBe(0);
  });

  it("keys are independent, and a second release call does nothing", async () => {
    const mutex = new KeyedMutex();
    const x = mutex.tryAcquire("x");
    expect(mutex.tryAcquire("y")).toBeTypeOf("function");
    let gotX = false;
    const waiting = mutex.acquire("x").then((release) => {
      gotX = true;
      return release;
    });
    x?.();
    x?.(); // must not release the waiter's hold
    const second = await waiting;
    expect(gotX).toBe(true);
    expect(mutex.tryAcquire("x")).toBeUndefined();
    second();
    expect(mutex.tryAcquire("x")).toBeTypeOf("function");
  });
});
