import { describe, expect, it } from "vitest";
import { compose, type MiddlewareFn, run } from "../../src/core/compose.js";

type Ctx = { log: string[] };

describe("compose", () => {
  it("runs sync and async middleware in order, around next()", async () => {
    const mw: MiddlewareFn<Ctx>[] = [
      (ctx, next) => {
        ctx.log.push("a");
        return next();
      },
      async (ctx, next) => {
        ctx.log.push("b");
        await next();
        ctx.log.push("b-after");
      },
      (ctx) => {
        ctx.log.push("c");
      },
    ];
    const ctx = { log: [] };
    await run(compose(mw), ctx);
    expect(ctx.log).toEqual(["a", "b", "c", "b-after"]);
  });

  it("turns a synchronous throw into a rejection", async () => {
    const boom = new Error("boom");
    const chain = compose<Ctx>([
      () => {
        throw boom;
      },
    ]);
    const result = chain({ log: [] }, () => Promise.resolve());
    expect(result).toBeInstanceOf(Promise);
    await expect(result).rejects.toBe(boom);
  });

  it("waits for a returned thenable and propagates its failure", async () => {
    const log: string[] = [];
    const thenable = {
      // biome-ignore lint/suspicious/noThenProperty: this test is about thenables on purpose
      then(resolve: () => void) {
        setTimeout(() => {
          log.push("thenable");
          resolve();
        }, 1);
      },
    };
    await run(compose<Ctx>([() => thenable, () => undefined]), { log });
    expect(log).toEqual(["thenable"]);
    await expect(
      run(compose<Ctx>([() => Promise.reject(new Error("late"))]), { log }),
    ).rejects.toThrow("late");
  });

  it("ignores non-promise return values, including null and objects", async () => {
    // biome-ignore lint/suspicious/noThenProperty: a non-callable `then` must not be awaited
    for (const value of [null, 0, "x", { then: 5 }, [1]]) {
      await expect(run(compose<Ctx>([() => value]), { log: [] })).resolves.toBeUndefined();
    }
  });

  it("throws when a middleware calls next() twice", async () => {
    const chain = compose<Ctx>([
      async (_ctx, next) => {
        await next();
        await next();
      },
      () => undefined,
    ]);
    await expect(run(chain, { log: [] })).rejects.toThrow(/next\(\) called multiple times/);
  });
});
