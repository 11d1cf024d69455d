import { describe, expectTypeOf, it } from "vitest";
import {
  Bot,
  type Context,
  type DialogControl,
  type SessionFlavor,
  type Turn,
} from "../../src/index.js";

describe("session and dialog types", () => {
  it("types ctx.session, ctx.history and the dialog state", () => {
    const bot = new Bot<Context & SessionFlavor<{ count: number }>>();
    bot.on("message", (ctx) => {
      expectTypeOf(ctx.session).toEqualTypeOf<{ count: number }>();
      expectTypeOf(ctx.history).toEqualTypeOf<readonly Turn[]>();
      expectTypeOf(ctx.dialog).toMatchTypeOf<DialogControl>();
    });
    bot.dialog<{ email?: string }>("signup", [
      (ctx) => {
        expectTypeOf(ctx.dialog.state.email).toEqualTypeOf<string | undefined>();
        expectTypeOf(ctx.session.count).toEqualTypeOf<number>();
        // @ts-expect-error: email is a string
        ctx.dialog.state.email = 1;
      },
    ]);
    const plain = new Bot();
    plain.on("message", (ctx) => {
      expectTypeOf(ctx.dialog).toBeUnknown();
    });
  });
});
