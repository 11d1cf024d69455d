import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { Bot } from "../../src/index.js";
import { DEFAULT_LIMITS } from "../../src/middleware/index.js";
import { MemoryBroker, MemoryLedger } from "../../src/storage/index.js";
import { browserSuite, launchChromium } from "../helpers/chromium.js";
import { startNode, TOKEN } from "./nodes.js";

// The inspector's page in Debian's chromium: two nodes on one broker, the page served by
// one of them shows both, their sessions, rooms and a recent error, with the token from the
// URL's fragment (then dropped from the address bar) or typed into its form.
// INSPECTOR_SCREENSHOT=docs/images/inspector.png writes the picture in docs/observability.md.

const run = browserSuite("inspector page in chromium");
const cleanups: Array<() => unknown> = [];
let browser: Browser;

run("inspector page", () => {
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(() => browser?.close());
  afterEach(async () => {
    for (const fn of cleanups.splice(0).reverse()) await fn();
  });

  async function twoNodes() {
    // Two nodes of one bot: one broker, one ledger (rooms and outboxes are shared).
    const broker = new MemoryBroker();
    const ledger = new MemoryLedger(DEFAULT_LIMITS);
    const bots = [0, 1].map(() => {
      const bot = new Bot({ logger: {}, broker, ledger });
      bot.command("join", async (ctx) => {
        await ctx.join(ctx.command?.args ?? "lobby");
        return ctx.reply("joined");
      });
      bot.command("fail", () => {
        throw new TypeError("payment provider unreachable");
      });
      bot.on("message", (ctx) => ctx.reply("ok"));
      cleanups.push(() => bot.stop());
      return bot;
    });
    const a = await startNode(bots[0] as Bot, cleanups);
    const b = await startNode(bots[1] as Bot, cleanups);
    await a.chat("/join support");
    await b.chat("/join support");
    await b.chat("/fail <img src=x onerror=alert(1)>");
    return { a, b };
  }

  async function rows(page: Page, table: string): Promise<string[][]> {
    return page.$$eval(`#${table} tr`, (trs) =>
      trs.slice(1).map((tr) => Array.from(tr.children, (td) => td.textContent ?? "")),
    );
  }

  it("shows every node, its sessions, rooms and errors, with the token from the fragment", async () => {
    const { a } = await twoNodes();
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const dialogs: string[] = [];
    page.on("dialog", (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await page.goto(`${a.http}/inspect#token=${TOKEN}`);
    await expect.poll(async () => (await rows(page, "nodes")).length, { timeout: 15_000 }).toBe(2);
    expect(new URL(page.url()).hash).toBe("");
    expect(new URL(page.url()).pathname).toBe("/inspect/");
    const nodes = await rows(page, "nodes");
    expect(nodes.map((n) => n[2])).toEqual(["1", "2"]);
    expect(await rows(page, "sessions")).toHaveLength(3);
    expect(await rows(page, "rooms")).toEqual([["support", "2"]]);
    const errors = await rows(page, "errors");
    expect(errors).toHaveLength(1);
    expect(errors[0]?.slice(2, 5)).toEqual(["handler", "TypeError", "command:fail"]);
    expect(errors[0]?.[6]).toBe("payment provider unreachable");
    expect(await page.textContent("#status")).toMatch(/2 node\(s\) · 3 connection\(s\)/);
    expect(dialogs).toEqual([]);
    const screenshot = process.env.INSPECTOR_SCREENSHOT;
    if (screenshot) await page.screenshot({ path: screenshot, fullPage: true });
    await page.close();
  });

  it("asks for the token, and asks again when it is wrong", async () => {
    const { b } = await twoNodes();
    const page = await browser.newPage();
    await page.goto(`${b.http}/inspect/`);
    await page.waitForSelector("#login:not([hidden])");
    await page.fill("#token", "not-the-token-at-all");
    await page.click("button[type=submit]");
    await page.waitForFunction(
      () => document.getElementById("status")?.textContent === "wrong token",
    );
    expect(await page.isHidden("#main")).toBe(true);
    await page.fill("#token", TOKEN);
    await page.click("button[type=submit]");
    await expect.poll(async () => (await rows(page, "nodes")).length, { timeout: 15_000 }).toBe(2);
    await page.close();
  });
});
