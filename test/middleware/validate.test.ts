import * as v from "valibot";
import { describe, expect, expectTypeOf, it } from "vitest";
import { Bot, validate } from "../../src/index.js";
import { createTestClient } from "../../src/testing/index.js";
import { escapeHtml, html } from "../../src/text/index.js";

describe("validate()", () => {
  it("passes the parsed, typed value on and stops the chain with bad_request", async () => {
    const bot = new Bot();
    const order = validate(
      v.object({ item: v.string(), qty: v.pipe(v.number(), v.integer(), v.minValue(1)) }),
    );
    let ran = 0;
    bot.command("order", order, (ctx) => {
      ran++;
      const value = order.get(ctx);
      expectTypeOf(value).toEqualTypeOf<{ item: string; qty: number }>();
      return ctx.reply(`${value.qty} x ${value.item} (${JSON.stringify(ctx.state.valid)})`);
    });
    const client = createTestClient(bot);
    const ok = await client.send("/order", { item: "tea", qty: 2, extra: "dropped" });
    expect(ok[0]?.text).toBe('2 x tea ({"item":"tea","qty":2})');
    const bad = await client.send("/order", { item: 5, qty: 0 });
    expect(bad).toHaveLength(1);
    expect(bad[0]).toMatchObject({ type: "error", code: "bad_request" });
    expect(bad[0]?.message).toBe(
      "invalid input: data.item: invalid string (expected string); data.qty: invalid min value (expected >=1)",
    );
    expect(ran).toBe(1);
    await bot.stop();
  });

  it("validates the text or the whole message, and never echoes the value sent", async () => {
    const bot = new Bot();
    bot.use(validate(v.pipe(v.string(), v.maxLength(10)), { target: "text" }));
    bot.on("message", (ctx) => ctx.reply("ok"));
    const client = createTestClient(bot);
    expect((await client.send("short"))[0]?.text).toBe("ok");
    const [error] = await client.send("<script>alert(1)</script>");
    expect(error?.code).toBe("bad_request");
    expect(error?.message).toBe("invalid input: text: invalid max length (expected <=10)");
    expect(error?.message).not.toContain("script");

    const whole = new Bot();
    whole.use(
      validate(v.object({ type: v.literal("message"), text: v.string() }), { target: "message" }),
    );
    whole.on("message", (ctx) => ctx.reply("ok"));
    const other = createTestClient(whole);
    expect((await other.send(undefined, { x: 1 }))[0]?.code).toBe("bad_request");
    expect((await other.send("hi"))[0]?.text).toBe("ok");
    await bot.stop();
    await whole.stop();
  });

  it("keeps the summary short and client-controlled keys harmless", async () => {
    const bot = new Bot();
    bot.use(validate(v.record(v.string(), v.number())));
    bot.on("message", (ctx) => ctx.reply("ok"));
    const client = createTestClient(bot);
    const data: Record<string, string> = { "<img src=x onerror=alert(1)>": "x" };
    for (let i = 0; i < 10; i++) data[`k${i}`] = "x";
    const [error] = await client.send("x", data);
    expect(error?.message?.length).toBeLessThanOrEqual(200);
    expect(error?.message).toContain("data.?: invalid number");
    expect(error?.message).toContain("and 8 more");
    expect(error?.message).not.toContain("<img");
    await bot.stop();
  });

  it("rejects bad arguments at the factory and get() before the middleware ran", () => {
    expect(() => validate({} as never)).toThrow(/valibot schema/);
    expect(() => validate(v.string(), { target: "body" as never })).toThrow(/target/);
    const mw = validate(v.string());
    expect(() => mw.get({} as never)).toThrow(/run the middleware first/);
  });
});

describe("escapeHtml() and html``", () => {
  it("escapes markup characters", () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&\`</a>`)).toBe(
      "&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&#96;&lt;/a&gt;",
    );
    expect(escapeHtml(undefined)).toBe("");
    expect(escapeHtml(42)).toBe("42");
    const name = "<b>Eve</b>";
    expect(html`<p>Hello, ${name}!</p>`).toBe("<p>Hello, &lt;b&gt;Eve&lt;/b&gt;!</p>");
  });
});

describe("validate() summary of missing keys", () => {
  it("says a missing key is required", async () => {
    const bot = new Bot();
    bot.use(validate(v.object({ title: v.string() })));
    bot.on("message", (ctx) => ctx.reply("ok"));
    const [error] = await createTestClient(bot).send("x", {});
    expect(error?.message).toBe("invalid input: data.title: required");
    await bot.stop();
  });
});
