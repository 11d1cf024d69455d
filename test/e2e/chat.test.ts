import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { browserSuite, launchChromium } from "../helpers/chromium.js";

// Browser end-to-end tests of the demo web chat (examples/demo) in Debian's chromium.
// The demo imports the built package, so `npm run build` must have run (`npm test` does).
const DEMO = new URL("../../examples/demo/server.js", import.meta.url).href;
// The committed screenshot is refreshed on demand (UPDATE_SCREENSHOT=1); otherwise the test
// writes to test-results/ so a test run leaves the work tree clean.
const SCREENSHOT = fileURLToPath(
  new URL(
    process.env.UPDATE_SCREENSHOT === "1"
      ? "../../docs/screenshot.png"
      : "../../test-results/demo.png",
    import.meta.url,
  ),
);
const run = browserSuite("browser e2e tests");

interface Demo {
  url: string;
  bot: import("../../src/index.js").Bot;
  start(): Promise<void>;
  stop(): Promise<void>;
}

let browser: Browser;
let demo: Demo;

async function say(page: Page, text: string) {
  await page.fill("#text", text);
  await page.press("#text", "Enter");
}

function botRow(page: Page, text: string) {
  return page.locator(".row.bot", { hasText: text });
}

run("demo web chat in chromium", () => {
  beforeAll(async () => {
    // A URL, not a literal path: the demo is plain JavaScript without type declarations.
    const { startDemo } = (await import(DEMO)) as {
      startDemo(options: { port: number }): Promise<Demo>;
    };
    demo = await startDemo({ port: 0 });
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await demo?.stop().catch(() => undefined);
  });

  it("chats, renders an XSS attempt as text, and survives a server restart without losing or repeating a message", async () => {
    let handled = 0;
    demo.bot.events.on("handled", () => handled++);
    const page = await browser.newPage();
    const pageErrors: string[] = [];
    page.on("pageerror", (error) => pageErrors.push(error.message));
    await page.goto(demo.url);
    await page.locator('#status[data-state="online"]').waitFor();
    await botRow(page, "Type /help").waitFor();

    await say(page, "/help");
    await botRow(page, "Here is what I can do").waitFor();
    await say(page, "my name is Ada");
    await botRow(page, "Nice to meet you, Ada").waitFor();

    const attack = `<img src=x onerror="window.__xss=1"><b>bold</b>`;
    await say(page, attack);
    await botRow(page, "I didn't get").waitFor();
    expect(await page.locator("#log img, #log b").count()).toBe(0);
    expect(await page.locator(".row.me .bubble").last().textContent()).toBe(attack);
    expect(await botRow(page, "I didn't get").textContent()).toContain(attack);
    expect(await page.evaluate(() => (window as { __xss?: number }).__xss)).toBeUndefined();

    // The server goes away; the page notices and keeps working offline.
    const session = await page.evaluate(
      () => (window as unknown as { botClient: { session: string } }).botClient.session,
    );
    await demo.stop();
    await page.locator('#status[data-state="reconnecting"]').waitFor();
    await demo.bot.sendTo({ session }, "📣 sent while you were offline");
    await say(page, "what's my name?");
    await say(page, "/echo still here");
    expect(await page.locator(".row.me:not(.delivered)").count()).toBe(2);

    // Back on the same port: the page resumes, gets what it missed, its queue is delivered.
    await demo.start();
    await page.locator('#status[data-state="online"]').waitFor();
    await botRow(page, "You're Ada.").waitFor();
    await botRow(page, "still here").waitFor();
    await botRow(page, "sent while you were offline").waitFor();
    await page.locator(".note", { hasText: "nothing missed" }).waitFor();
    await page.waitForFunction(
      () => document.querySelectorAll(".row.me:not(.delivered)").length === 0,
    );

    // No loss, no duplicate: bot messages carry seq 1..n exactly once, and every message the
    // user sent was handled once and answered once.
    const seqs = await page.$$eval(".row.bot", (rows) =>
      rows.map((r) => Number((r as HTMLElement).dataset.seq)),
    );
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    const sent = await page.$$eval(".row.me", (rows) =>
      rows.map((r) => (r as HTMLElement).dataset.id),
    );
    const replies = await page.$$eval(".row.bot", (rows) =>
      rows.map((r) => (r as HTMLElement).dataset.replyTo).filter(Boolean),
    );
    expect(replies.sort()).toEqual([...sent].sort());
    expect(handled).toBe(sent.length);
    expect(pageErrors).toEqual([]);
    await page.close();
  }, 60_000);

  it("shows a dialog, intents and session memory (and takes a screenshot)", async () => {
    const page = await browser.newPage({
      viewport: { width: 760, height: 940 },
      colorScheme: "light",
    });
    await page.goto(demo.url);
    await page.locator('#status[data-state="online"]').waitFor();
    await botRow(page, "Type /help").waitFor();
    const script: Array<[string, string]> = [
      ["hi", "What's your name?"],
      ["my name is Ada", "Nice to meet you, Ada"],
      ["/order", "What size?"],
      ["huge", "Please pick"],
      ["large", "Which pizza?"],
      ["margherita", "Shall I order it?"],
      ["yes", "Ordered, Ada!"],
      ["when are you open?", "We're open"],
      ["what's my name?", "You're Ada."],
    ];
    for (const [text, reply] of script) {
      await say(page, text);
      await botRow(page, reply).waitFor();
    }
    await page.waitForFunction(
      () => document.querySelectorAll(".row.me:not(.delivered)").length === 0,
    );
    await page.evaluate(() => {
      const log = document.getElementById("log") as HTMLElement;
      log.style.scrollBehavior = "auto";
      log.scrollTop = log.scrollHeight;
    });
    await page.screenshot({ path: SCREENSHOT });
    await page.close();
  }, 60_000);
});
