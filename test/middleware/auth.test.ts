import { describe, expect, it, vi } from "vitest";
import { auth, Bot, type Context, staticTokens } from "../../src/index.js";
import { createTestClient } from "../../src/testing/index.js";
import { safeCompare } from "../../src/text/index.js";
import * as compare from "../../src/util/safe-compare.js";

vi.mock("../../src/util/safe-compare.js", { spy: true });

type User = { id: string; name: string };

function makeBot(required?: boolean) {
  const bot = new Bot<Context & { user: User | undefined }>();
  const handled: string[] = [];
  bot.use(
    auth({
      verify: staticTokens({ "token-alice-0123": { id: "a", name: "Alice" } }),
      ...(required !== undefined && { required }),
    }),
  );
  bot.on("message", (ctx) => {
    handled.push(ctx.text ?? "");
    return ctx.reply(ctx.user === undefined ? "anonymous" : `hi ${ctx.user.name}`);
  });
  return { bot, handled };
}

async function untilClosed(client: { closed: unknown }) {
  for (let i = 0; i < 100 && client.closed === undefined; i++) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe("auth()", () => {
  it("accepts a valid hello token and exposes the user on ctx.user", async () => {
    const { bot } = makeBot();
    const client = createTestClient(bot, { token: "token-alice-0123" });
    expect((await client.send("hello"))[0]?.text).toBe("hi Alice");
    await bot.stop();
  });

  it("accepts a token from the Authorization: Bearer header", async () => {
    const { bot } = makeBot();
    const client = createTestClient(bot, { headers: { authorization: "Bearer token-alice-0123" } });
    expect((await client.send("hello"))[0]?.text).toBe("hi Alice");
    await bot.stop();
  });

  it.each([
    ["no token", undefined, "authentication required"],
    ["a bad token", "token-mallory-1", "invalid token"],
  ])("refuses %s with unauthorized and 4401; no handler runs", async (_, token, message) => {
    const { bot, handled } = makeBot();
    const client = createTestClient(bot, token === undefined ? {} : { token });
    await client.send("secret");
    await untilClosed(client);
    expect(client.closed?.code).toBe(4401);
    expect(client.frames).toContainEqual({ type: "error", code: "unauthorized", message });
    expect(client.frames.some((f) => f.type === "welcome")).toBe(false);
    expect(handled).toEqual([]);
    await bot.stop();
  });

  it("with required: false lets anonymous clients in but still refuses a bad token", async () => {
    const { bot } = makeBot(false);
    const anonymous = createTestClient(bot);
    expect((await anonymous.send("hello"))[0]?.text).toBe("anonymous");
    const bad = createTestClient(bot, { token: "wrong-token-1" });
    await bad.send("hello");
    await untilClosed(bad);
    expect(bad.closed?.code).toBe(4401);
    await bot.stop();
  });

  it("treats a verify that throws as an internal error, without leaking its message", async () => {
    const bot = new Bot();
    bot.use(
      auth({
        verify: () => {
          throw new Error("db password is hunter2");
        },
      }),
    );
    const client = createTestClient(bot, { token: "anything" });
    await client.send("x");
    await untilClosed(client);
    expect(JSON.stringify(client.frames)).not.toContain("hunter2");
    expect(client.closed?.code).toBe(1011);
    await bot.stop();
  });

  it("rejects bad options at the factory", () => {
    expect(() => auth({} as never)).toThrow(/verify must be a function/);
    expect(() => auth({ verify: () => undefined, required: "yes" as never })).toThrow(TypeError);
    expect(() => staticTokens({ short: { id: 1 } })).toThrow(TypeError);
  });
});

describe("safeCompare() and staticTokens()", () => {
  it("compares UTF-8 bytes exactly", () => {
    expect(safeCompare("secret", "secret")).toBe(true);
    expect(safeCompare("secret", "secreT")).toBe(false);
    expect(safeCompare("secret", "secret ")).toBe(false);
    expect(safeCompare("", "")).toBe(true);
    expect(safeCompare("", "a")).toBe(false);
    expect(safeCompare("größe🙂", "größe🙂")).toBe(true);
    // Same UTF-16 length, different bytes.
    expect(safeCompare("é", "e")).toBe(false);
    expect(safeCompare(undefined as never, "x")).toBe(false);
  });

  it("staticTokens compares with safeCompare against every token, never ===", async () => {
    const spy = vi.mocked(compare.safeCompare);
    spy.mockClear();
    const verify = staticTokens({
      "first-token-000001": { id: 1 },
      "second-token-000002": { id: 2 },
      "third-token-000003": { id: 3 },
    });
    expect(
      await verify("first-token-000001", {
        remoteAddress: undefined,
        origin: undefined,
        headers: {},
      }),
    ).toEqual({ id: 1 });
    // Found on the first entry, yet all three were compared: no early exit.
    expect(spy).toHaveBeenCalledTimes(3);
    spy.mockClear();
    expect(
      await verify("nope-nope-nope", { remoteAddress: undefined, origin: undefined, headers: {} }),
    ).toBeUndefined();
    expect(spy).toHaveBeenCalledTimes(3);
  });
});
