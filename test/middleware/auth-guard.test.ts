import { describe, expect, it, vi } from "vitest";
import { ClientError } from "../../src/core/errors.js";
import { type Handshake, HandshakeRejection, handshakeOf } from "../../src/core/handshake.js";
import { auth, Bot, type Context } from "../../src/index.js";
import { createTestClient } from "../../src/testing/index.js";

const info = { id: "c1", headers: {} } as unknown as Handshake["info"];
const handshake = (token: string | undefined, user?: unknown): Handshake => ({
  token,
  info,
  user,
});

/** Runs auth()'s handshake hook the way the bot does before the welcome. */
async function admit(options: Parameters<typeof auth>[0], shake: Handshake) {
  const hook = handshakeOf(auth(options));
  if (hook === undefined) throw new Error("auth() has no handshake hook");
  await hook(shake);
  return shake.user;
}

async function refusal(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HandshakeRejection);
  const rejection = error as HandshakeRejection;
  return { code: rejection.code, closeCode: rejection.closeCode, message: rejection.message };
}

describe("auth(): the handshake", () => {
  it("turns a token into the user, passing the connection info to verify", async () => {
    const verify = vi.fn((token: string) => ({ id: token }));
    expect(await admit({ verify }, handshake("alice"))).toEqual({ id: "alice" });
    expect(verify).toHaveBeenCalledWith("alice", info);
  });

  it("keeps a user an earlier hook (or the upgrade) established, without calling verify", async () => {
    const verify = vi.fn(() => ({ id: "other" }));
    expect(await admit({ verify }, handshake("token", { id: "upgrade" }))).toEqual({
      id: "upgrade",
    });
    expect(verify).not.toHaveBeenCalled();
  });

  for (const token of [undefined, ""]) {
    it(`refuses ${JSON.stringify(token)} as no token when required (the default)`, async () => {
      const verify = vi.fn(() => ({ id: "x" }));
      expect(await refusal(admit({ verify }, handshake(token)))).toEqual({
        code: "unauthorized",
        closeCode: 4401,
        message: "authentication required",
      });
      expect(verify).not.toHaveBeenCalled();
    });

    it(`lets ${JSON.stringify(token)} in anonymously with required: false`, async () => {
      const verify = vi.fn(() => ({ id: "x" }));
      expect(await admit({ verify, required: false }, handshake(token))).toBeUndefined();
      expect(verify).not.toHaveBeenCalled();
    });
  }

  for (const answer of [undefined, null]) {
    it(`refuses a token verify answers with ${answer}, required or not`, async () => {
      for (const required of [true, false]) {
        expect(await refusal(admit({ verify: () => answer, required }, handshake("bad")))).toEqual({
          code: "unauthorized",
          closeCode: 4401,
          message: "invalid token",
        });
      }
    });
  }

  it("accepts falsy but real users", async () => {
    expect(await admit({ verify: () => 0 }, handshake("t"))).toBe(0);
    expect(await admit({ verify: async () => "" }, handshake("t"))).toBe("");
  });
});

describe("auth(): the middleware guard", () => {
  const guard = (required?: boolean) =>
    auth<unknown, Context>({
      verify: () => undefined,
      ...(required !== undefined && { required }),
    });
  const ctx = (update: string, user?: unknown) => ({ update, user }) as unknown as Context;

  it("refuses an update without a user when no handshake ran (e.g. a custom transport)", async () => {
    for (const update of ["message", "connect"]) {
      const next = vi.fn();
      let thrown: unknown;
      try {
        await guard()(ctx(update), next);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(ClientError);
      expect(thrown).toMatchObject({
        code: "unauthorized",
        message: "authentication required",
        options: { closeCode: 4401 },
      });
      expect(next).not.toHaveBeenCalled();
    }
  });

  it("lets through an authenticated update, a disconnect, and anyone with required: false", async () => {
    for (const [mw, c] of [
      [guard(), ctx("message", { id: "u" })],
      [guard(), ctx("disconnect")],
      [guard(false), ctx("message")],
      [guard(true), ctx("message", null)],
    ] as const) {
      const next = vi.fn(() => Promise.resolve());
      await mw(c, next);
      expect(next).toHaveBeenCalledTimes(1);
    }
  });

  it("rejects bad options with errors that name them", () => {
    expect(() => auth(undefined as never)).toThrow(
      "auth(options): options must be an object with a verify function",
    );
    expect(() => auth(null as never)).toThrow(TypeError);
    expect(() => auth({ verify: "x" } as never)).toThrow(
      "auth(): options.verify must be a function (token, info) => user",
    );
    expect(() => auth({ verify: () => 1, required: 1 as never })).toThrow(
      "auth(): options.required must be a boolean",
    );
  });

  it("over a bot: an empty hello token is no token", async () => {
    const bot = new Bot();
    bot.use(auth({ verify: () => ({ id: "never" }) }));
    bot.on("message", (ctx) => ctx.reply("in"));
    const client = createTestClient(bot, { token: "" });
    await client.send("hi").catch(() => undefined);
    expect(client.closed?.code).toBe(4401);
    expect(client.frames).toContainEqual({
      type: "error",
      code: "unauthorized",
      message: "authentication required",
    });
    await bot.stop();
  });
});
