import { describe, expect, it } from "vitest";
import {
  compose,
  flatten,
  type MiddlewareFn,
  type MiddlewareObj,
  run,
} from "../../src/core/compose.js";
import { fulfilledVoid, isPending } from "../../src/util/maybe.js";

type Ctx = { log: string[] };

const mark =
  (name: string): MiddlewareFn<Ctx> =>
  (ctx, next) => {
    ctx.log.push(name);
    return next();
  };

describe("compose: the chain's end", () => {
  it("an empty chain calls the outer next", async () => {
    const ctx = { log: [] as string[] };
    await compose<Ctx>([])(ctx, async () => void ctx.log.push("outer"));
    expect(ctx.log).toEqual(["outer"]);
  });

  it("a chain of one hands its next() to the outer next", async () => {
    const ctx = { log: [] as string[] };
    await compose<Ctx>([mark("only")])(ctx, async () => void ctx.log.push("outer"));
    expect(ctx.log).toEqual(["only", "outer"]);
  });

  it("a chain of several hands the last next() to the outer next, once", async () => {
    const ctx = { log: [] as string[] };
    await compose<Ctx>([mark("a"), mark("b"), mark("c")])(
      ctx,
      async () => void ctx.log.push("outer"),
    );
    expect(ctx.log).toEqual(["a", "b", "c", "outer"]);
  });

  it("a middleware that does not call next() stops the chain", async () => {
    const ctx = { log: [] as string[] };
    await compose<Ctx>([mark("a"), (c) => void c.log.push("stop"), mark("never")])(
      ctx,
      async () => void ctx.log.push("outer"),
    );
    expect(ctx.log).toEqual(["a", "stop"]);
  });

  it("guards a chain of one against next() called twice, too", async () => {
    const chain = compose<Ctx>([
      async (_ctx, next) => {
        await next();
        await next();
      },
    ]);
    await expect(run(chain, { log: [] })).rejects.toThrow(
      "next() called multiple times in the same middleware",
    );
  });

  it("each middleware has its own guard: next() once in each is fine", async () => {
    const ctx = { log: [] as string[] };
    await run(compose<Ctx>([mark("a"), mark("b"), mark("c")]), ctx);
    expect(ctx.log).toEqual(["a", "b", "c"]);
  });
});

describe("compose: staying synchronous", () => {
  it("a chain that finishes synchronously hands back the fulfilled marker", () => {
    const ctx = { log: [] as string[] };
    const result = run(compose<Ctx>([mark("a"), (c) => void c.log.push("b")]), ctx);
    expect(result).toBe(fulfilledVoid);
    expect(isPending(result)).toBe(false);
    // Nothing was deferred: the whole chain ran before run() returned.
    expect(ctx.log).toEqual(["a", "b"]);
  });

  it("a single synchronous middleware also hands back the marker", () => {
    expect(run(compose<Ctx>([() => 42]), { log: [] })).toBe(fulfilledVoid);
  });

  it("an asynchronous chain hands back a pending promise", async () => {
    const result = run(
      compose<Ctx>([
        async (ctx, next) => {
          await next();
          ctx.log.push("after");
          return "ignored";
        },
      ]),
      { log: [] },
    );
    expect(isPending(result)).toBe(true);
    await result;
  });

  it("a thenable's value is dropped: the chain resolves to undefined", async () => {
    const thenable = {
      // biome-ignore lint/suspicious/noThenProperty: this test is about thenables on purpose
      then(resolve: (value: string) => void) {
        resolve("value");
      },
    };
    await expect(run(compose<Ctx>([() => thenable]), { log: [] })).resolves.toBeUndefined();
  });
});

describe("flatten", () => {
  it("passes functions through and asks a middleware object for its function on each call", async () => {
    const fn = mark("fn");
    expect(flatten(fn)).toBe(fn);
    let asked = 0;
    const obj: MiddlewareObj<Ctx> = {
      middleware() {
        asked++;
        return mark(`obj${asked}`);
      },
    };
    const flat = flatten(obj);
    const ctx = { log: [] as string[] };
    await run(flat, ctx);
    await run(flat, ctx);
    expect(ctx.log).toEqual(["obj1", "obj2"]);
    let reached = false;
    await flat(ctx, async () => {
      reached = true;
    });
    expect(reached).toBe(true);
  });
});
