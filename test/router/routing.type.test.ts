import { describe, expectTypeOf, it } from "vitest";
import {
  Bot,
  type CommandMatch,
  Composer,
  type Context,
  type IntentMatch,
  isCommand,
  matchesText,
  type SessionFlavor,
} from "../../src/index.js";

describe("routing verbs narrow the context", () => {
  it("command() sets ctx.command, hears() ctx.match, intent() ctx.intent", () => {
    const bot = new Bot();
    bot.command("echo", (ctx) => {
      expectTypeOf(ctx.command).toEqualTypeOf<CommandMatch>();
      expectTypeOf(ctx.command.args).toEqualTypeOf<string>();
      expectTypeOf(ctx.match).toEqualTypeOf<RegExpExecArray | undefined>();
    });
    bot.hears(/^add (\d+)$/, (ctx) => {
      expectTypeOf(ctx.match).toEqualTypeOf<RegExpExecArray>();
      expectTypeOf(ctx.match[1]).toEqualTypeOf<string | undefined>();
    });
    bot.intent("hours", ["when are you open"], (ctx) => {
      expectTypeOf(ctx.intent).toEqualTypeOf<IntentMatch>();
      expectTypeOf(ctx.intent.name).toEqualTypeOf<string>();
    });
    bot.on("message", (ctx) => {
      expectTypeOf(ctx.command).toEqualTypeOf<CommandMatch | undefined>();
      expectTypeOf(ctx.intent).toEqualTypeOf<IntentMatch | undefined>();
    });
  });

  it("keeps the bot's flavors and narrows what is chained on the branch", () => {
    const bot = new Bot<Context & SessionFlavor<{ count: number }>>();
    bot
      .command(["start", "help"], (ctx, next) => {
        expectTypeOf(ctx.session.count).toEqualTypeOf<number>();
        return next();
      })
      .use((ctx) => {
        expectTypeOf(ctx.command.name).toEqualTypeOf<string>();
        expectTypeOf(ctx.session).toEqualTypeOf<{ count: number }>();
      });
  });

  it("the exported predicates narrow in filter() too", () => {
    const composer = new Composer();
    composer.filter(isCommand("stats"), (ctx) => {
      expectTypeOf(ctx.command.argv).toEqualTypeOf<string[]>();
    });
    composer.filter(matchesText("hi"), (ctx) => {
      expectTypeOf(ctx.match.index).toEqualTypeOf<number>();
    });
  });
});
