import { describe, expect, it } from "vitest";
import type { Context } from "../../src/core/context.js";
import { dialogRouter } from "../../src/dialog/router.js";

describe("dialogRouter()", () => {
  it("names the fix when ctx.dialog is not the session()'s dialog controller", async () => {
    const route = dialogRouter(new Map());
    const ctx = { update: "message", dialog: { active: undefined } } as unknown as Context;
    let passed = false;
    await expect(
      route(ctx, async () => {
        passed = true;
      }),
    ).rejects.toThrow(
      new Error("bot.dialog(): ctx.dialog was replaced; dialogs need the session() middleware"),
    );
    expect(passed).toBe(false);
  });

  it("passes updates other than messages on without reading ctx.dialog", async () => {
    const route = dialogRouter(new Map());
    const ctx = {
      update: "connect",
      get dialog(): never {
        throw new Error("read ctx.dialog");
      },
    } as unknown as Context;
    let passed = false;
    await route(ctx, async () => {
      passed = true;
    });
    expect(passed).toBe(true);
  });
});
