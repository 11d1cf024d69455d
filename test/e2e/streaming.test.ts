import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { browserSuite, launchChromium } from "../helpers/chromium.js";

// Streamed replies in the demo web chat (examples/demo), end to end in Debian's chromium:
// a `/story` grows word by word in one bubble, Stop ends it, a reload mid-stream continues
// it, two tabs show the same stream, `/think` shows the typing indicator and `/fix` edits a
// message. The demo imports the built package, so `npm run build` must have run.
const DEMO = new URL("../../examples/demo/server.js", import.meta.url).href;
const BOT = new URL("../../examples/demo/bot.js", import.meta.url).href;
const MODEL = new URL("../../examples/shared/local-model.js", import.meta.url).href;
const run = browserSuite("browser streaming e2e tests");

interface Demo {
  url: string;
  close(): Promise<void>;
}

let browser: Browser;
let demo: Demo;
let answerTo: (topic: string) => string;
const contexts: BrowserContext[] = [];
const pageErrors: string[] = [];

/** A fresh browser profile (its own localStorage): a new visitor. */
async function newVisitor(): Promise<BrowserContext> {
  const context = await browser.newContext();
  contexts.push(context);
  // Records every text each stream bubble shows (window.streamTexts[id]), so a test sees
  // every state, not just the ones it happened to poll.
  await context.addInitScript(() => {
    const texts: Record<string, string[]> = {};
    (window as unknown as { streamTexts: typeof texts }).streamTexts = texts;
    const record = () => {
      // The automatic `typing` is not shown over an answer that is visibly growing.
      const activity = document.getElementById("activity");
      if (activity && !activity.hidden && document.querySelector(".row.streaming")) {
        (window as unknown as { typingOverStream: boolean }).typingOverStream = true;
      }
      for (const row of Array.from(
        document.querySelectorAll<HTMLElement>(".row.bot[data-stream]"),
      )) {
        const id = row.dataset.stream as string;
        const text = row.querySelector(".bubble")?.textContent ?? "";
        const list = texts[id] ?? [];
        texts[id] = list;
        if (list[list.length - 1] !== text) list.push(text);
      }
    };
    new MutationObserver(record).observe(document, {
      subtree: true,
      childList: true,
      characterData: true,
      attributes: true,
      attributeFilter: ["hidden", "class"],
    });
  });
  return context;
}

/**
 * Every text the bubble of stream `id` showed in this page (since its last load): each one
 * a prefix of `full` and longer than the one before, so no word was ever shown twice.
 */
async function expectOnlyGrowingPrefixes(page: Page, id: string, full: string) {
  const texts = await page.evaluate(
    (id) => (window as unknown as { streamTexts: Record<string, string[]> }).streamTexts[id] ?? [],
    id,
  );
  let previous = -1;
  for (const text of texts) {
    if (text === "") continue; // a bubble opened before its first words
    expect(full.startsWith(text), `not a prefix of the answer: …${text.slice(-60)}`).toBe(true);
    expect(text.length).toBeGreaterThan(previous);
    previous = text.length;
  }
  return texts.filter(Boolean).length;
}

/** Opens the chat in a new tab of `context` and waits until it is online. */
async function openChat(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  page.on("pageerror", (error) => pageErrors.push(error.message));
  await page.goto(demo.url);
  await page.locator('#status[data-state="online"]').waitFor();
  return page;
}

async function say(page: Page, text: string) {
  await page.fill("#text", text);
  await page.press("#text", "Enter");
}

function botRow(page: Page, text: string) {
  return page.locator(".row.bot", { hasText: text });
}

/** Sends `/story <topic>` and resolves with the id of the stream that answers it. */
async function startStory(page: Page, topic: string): Promise<string> {
  const before = await page.locator(".row.bot[data-stream]").count();
  await say(page, `/story ${topic}`);
  await page.waitForFunction(
    (n) => document.querySelectorAll(".row.bot[data-stream]").length > n,
    before,
  );
  return page
    .locator(".row.bot[data-stream]")
    .last()
    .getAttribute("data-stream") as Promise<string>;
}

/** What the page shows of stream `id`: its text, whether it is open, how it ended. */
function bubble(page: Page, id: string) {
  return page.evaluate((id) => {
    const rows = Array.from(document.querySelectorAll<HTMLElement>(".row.bot")).filter(
      (row) => row.dataset.stream === id,
    );
    const row = rows[0];
    return {
      rows: rows.length,
      text: row?.querySelector(".bubble")?.textContent ?? "",
      open: row?.classList.contains("streaming") ?? false,
      end: row?.dataset.end,
      meta: row?.querySelector(".meta")?.textContent ?? "",
    };
  }, id);
}

/** Waits until stream `id` shows more than `length` characters (or has ended). */
async function grows(page: Page, id: string, length: number) {
  await page.waitForFunction(
    ([id, length]) => {
      const row = Array.from(document.querySelectorAll<HTMLElement>(".row.bot")).find(
        (r) => r.dataset.stream === id,
      );
      const text = row?.querySelector(".bubble")?.textContent ?? "";
      return text.length > (length as number) || row?.dataset.end !== undefined;
    },
    [id, length] as const,
  );
  return bubble(page, id);
}

/** Waits for the final message of stream `id`. */
async function ended(page: Page, id: string) {
  await page.waitForFunction(
    (id) =>
      Array.from(document.querySelectorAll<HTMLElement>(".row.bot")).some(
        (r) => r.dataset.stream === id && r.dataset.end !== undefined,
      ),
    id,
    { timeout: 25_000 },
  );
  return bubble(page, id);
}

/** Every bot message's seq on the page: none may be shown twice. */
function seqs(page: Page) {
  return page.$$eval(".row.bot[data-seq]", (rows) =>
    rows.map((r) => Number((r as HTMLElement).dataset.seq)),
  );
}

run("streamed replies in the demo web chat (chromium)", () => {
  beforeAll(async () => {
    // URLs, not literal paths: the demo is plain JavaScript without type declarations.
    const { startDemo } = (await import(DEMO)) as {
      startDemo(options: { port: number }): Promise<Demo>;
    };
    const { storyPrompt } = (await import(BOT)) as { storyPrompt(topic: string): string };
    const { localAnswer } = (await import(MODEL)) as { localAnswer(prompt: string): string };
    answerTo = (topic) => localAnswer(storyPrompt(topic));
    demo = await startDemo({ port: 0 });
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await demo?.close().catch(() => undefined);
    expect(pageErrors).toEqual([]);
  });

  it("/story grows word by word in one bubble, ends with exactly the model's answer, and a second tab shows the same", async () => {
    const context = await newVisitor();
    const page = await openChat(context);
    await botRow(page, "Type /help").waitFor();
    const full = answerTo("the sea");
    const id = await startStory(page, "the sea");
    await page.locator("#stop").waitFor({ state: "visible" });

    // At least three different lengths while the stream is open, each a prefix of the answer.
    const seen = new Set<number>();
    let length = 0;
    while (seen.size < 3) {
      const now = await grows(page, id, length);
      expect(now.open).toBe(true);
      expect(now.text.length).toBeGreaterThan(length);
      expect(full.startsWith(now.text)).toBe(true);
      length = now.text.length;
      seen.add(length);
    }
    expect(length).toBeLessThan(full.length);

    // A second tab of the same browser finds the conversation in localStorage and resumes
    // it: the open stream arrives as a snapshot (a stream that tab has never seen), then live.
    const second = await openChat(context);
    await second.locator(".note", { hasText: "Joined the conversation" }).waitFor();
    const joined = await grows(second, id, 0);
    expect(joined.rows).toBe(1);
    expect(full.startsWith(joined.text)).toBe(true);
    expect(await second.locator("#stop").isHidden()).toBe(true); // not this tab's message
    expect(await botRow(second, "Type /help").count()).toBe(0); // no greeting: same session

    const [final, other] = await Promise.all([ended(page, id), ended(second, id)]);
    expect(final).toEqual({ rows: 1, text: full, open: false, end: "done", meta: "" });
    expect(other).toEqual(final);
    await page.locator("#stop").waitFor({ state: "hidden" });
    await page.waitForFunction(
      () => document.querySelectorAll(".row.me:not(.delivered)").length === 0,
    );
    for (const tab of [page, second]) {
      const shown = await seqs(tab);
      expect(new Set(shown).size).toBe(shown.length);
    }
    expect(await expectOnlyGrowingPrefixes(page, id, full)).toBeGreaterThan(10);
    expect(await expectOnlyGrowingPrefixes(second, id, full)).toBeGreaterThan(5);
    for (const tab of [page, second]) {
      expect(await tab.evaluate(() => "typingOverStream" in window)).toBe(false);
    }
  }, 40_000);

  it("Stop ends the stream: the bubble stops growing, is marked stopped, and holds a prefix", async () => {
    const page = await openChat(await newVisitor());
    await botRow(page, "Type /help").waitFor();
    const full = answerTo("stopping early");
    const id = await startStory(page, "stopping early");
    const before = await grows(page, id, 120);
    expect(before.open).toBe(true);
    await page.click("#stop");

    const final = await ended(page, id);
    expect(final.end).toBe("cancelled");
    expect(final.meta).toContain("stopped");
    expect(final.text.length).toBeGreaterThanOrEqual(before.text.length);
    expect(final.text.length).toBeLessThan(full.length);
    expect(full.startsWith(final.text)).toBe(true);
    await page.locator("#stop").waitFor({ state: "hidden" });

    // Nothing more arrives: the story would have gone on for seconds.
    const rows = await page.locator(".row.bot").count();
    await page.waitForTimeout(1500);
    expect(await bubble(page, id)).toEqual(final);
    expect(await page.locator(".row.bot").count()).toBe(rows);
    expect(await page.locator(".row.me:not(.delivered)").count()).toBe(0);
    await expectOnlyGrowingPrefixes(page, id, full);
  }, 30_000);

  it("a reload mid-stream shows the bubble again and continues it, without a repeated word", async () => {
    const page = await openChat(await newVisitor());
    await botRow(page, "Type /help").waitFor();
    await say(page, "my name is Ada");
    await botRow(page, "Nice to meet you, Ada").waitFor();
    const full = answerTo("a reload");
    const id = await startStory(page, "a reload");
    const before = await grows(page, id, 300);
    expect(before.open).toBe(true);
    const seqsBefore = await seqs(page);

    await page.reload();
    await page.locator('#status[data-state="online"]').waitFor();
    // The same conversation (no new greeting), the bubble still open and growing from the
    // server's snapshot and live deltas.
    const after = await bubble(page, id);
    expect(after.rows).toBe(1);
    expect(after.open).toBe(true);
    const more = await grows(page, id, Math.max(after.text.length, before.text.length));
    expect(more.open).toBe(true);
    expect(full.startsWith(more.text)).toBe(true);

    const final = await ended(page, id);
    expect(final).toEqual({ rows: 1, text: full, open: false, end: "done", meta: "" });
    // Nothing replayed twice, the earlier conversation kept, the greeting not sent again.
    const shown = await seqs(page);
    expect(new Set(shown).size).toBe(shown.length);
    expect(shown.slice(0, seqsBefore.length)).toEqual(seqsBefore);
    expect(await botRow(page, "Nice to meet you, Ada").count()).toBe(1);
    expect(await botRow(page, "Type /help").count()).toBe(1);
    expect(await page.locator(".row.me", { hasText: "/story a reload" }).count()).toBe(1);
    await page.locator(".row.me.delivered", { hasText: "/story a reload" }).waitFor();
    // Since the reload: the restored text, the snapshot, the live deltas, the final; never a
    // repeated or missing piece.
    expect(await expectOnlyGrowingPrefixes(page, id, full)).toBeGreaterThan(5);
  }, 30_000);

  it("/think shows the typing indicator, which goes away when the answer arrives", async () => {
    const page = await openChat(await newVisitor());
    await botRow(page, "Type /help").waitFor();
    // Records whether the indicator was hidden at the moment the answer was added.
    await page.evaluate(() => {
      const state = window as unknown as { hiddenAtAnswer?: boolean };
      new MutationObserver(() => {
        if (state.hiddenAtAnswer !== undefined) return;
        const answer = Array.from(document.querySelectorAll(".row.bot")).some((r) =>
          r.textContent?.includes("thought about it"),
        );
        if (answer)
          state.hiddenAtAnswer = (document.getElementById("activity") as HTMLElement).hidden;
      }).observe(document.getElementById("log") as HTMLElement, { childList: true });
    });
    await say(page, "/think");
    await page.locator('#activity[data-kind="typing"]').waitFor({ state: "visible" });
    expect(await page.locator("#activity").textContent()).toContain("typing");
    await botRow(page, "thought about it").waitFor();
    expect(await page.evaluate(() => (window as { hiddenAtAnswer?: boolean }).hiddenAtAnswer)).toBe(
      true,
    );
    // And it does not come back (the server's `idle` follows; nothing after the handler).
    await page.waitForTimeout(1000);
    expect(await page.locator("#activity").isHidden()).toBe(true);
  }, 30_000);

  it("/fix shows a typo, then the edited message in the same bubble, marked edited", async () => {
    const page = await openChat(await newVisitor());
    await botRow(page, "Type /help").waitFor();
    await say(page, "/fix");
    const typo = botRow(page, "Teh answer is 42");
    await typo.waitFor();
    const seq = await typo.getAttribute("data-seq");
    const rows = await page.locator(".row.bot").count();
    const fixed = page.locator(`.row.bot[data-seq="${seq}"]`);
    await fixed.locator(".meta", { hasText: "edited" }).waitFor();
    expect(await fixed.locator(".bubble").textContent()).toBe("The answer is 42");
    expect(await botRow(page, "Teh answer").count()).toBe(0);
    expect(await page.locator(".row.bot").count()).toBe(rows);
  }, 30_000);
});
