import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { Bot, type Logger } from "../../../src/index.js";
import { serve } from "../../../src/transports/ws/index.js";
import { cleanupAfterEach } from "../../helpers/servers.js";
import { until } from "../../helpers/until.js";
import { RawClient } from "../../helpers/ws-client.js";

const cleanups = cleanupAfterEach();

type Entry = { level: string; message: string; details?: Record<string, unknown> };

function recorder(): { logger: Logger; entries: Entry[] } {
  const entries: Entry[] = [];
  const at =
    (level: string) =>
    (message: string, details?: Record<string, unknown>): void => {
      entries.push({ level, message, ...(details !== undefined && { details }) });
    };
  return {
    entries,
    logger: { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") },
  };
}

async function start(logger: Logger) {
  const bot = new Bot({ logger });
  bot.on("message", (ctx) => ctx.reply("ok"));
  const handle = serve(bot, { port: 0, host: "127.0.0.1", maxPayload: 1024 });
  await handle.ready;
  cleanups.push(() => handle.close());
  const { port } = handle.address() as AddressInfo;
  return `ws://127.0.0.1:${port}`;
}

function client(url: string, options: ConstructorParameters<typeof RawClient>[1] = {}) {
  const c = new RawClient(url, options);
  cleanups.push(() => c.close());
  return c;
}

describe("with a logger, what clients do wrong is logged (never their secrets)", () => {
  it("logs a refused origin, a bad frame and a frame over maxPayload", async () => {
    const { logger, entries } = recorder();
    const url = await start(logger);
    const find = (pattern: RegExp) => entries.find((e) => pattern.test(e.message));

    await expect(client(url, { origin: "https://evil.example" }).opened).rejects.toThrow("403");
    await until(() => find(/origin/i) !== undefined, "the refused origin to be logged");
    expect(find(/origin/i)).toMatchObject({
      level: "warn",
      details: { origin: "https://evil.example" },
    });

    const bad = client(url, { headers: { authorization: "Bearer sekrit-token-value-123" } });
    bad.send({ type: "hello", token: "sekrit-token-value-123" });
    bad.send("{ not json");
    await bad.next("error");
    await until(() => find(/bad_request|protocol rule/i) !== undefined, "the bad frame logged");
    expect(find(/bad_request|protocol rule/i)?.level).toBe("debug");

    const big = client(url);
    await big.opened;
    big.send("x".repeat(4096));
    expect((await big.waitClose()).code).toBe(1009);
    await until(() => find(/payload|1009/i) !== undefined, "the 1009 to be logged");
    expect(["debug", "warn"]).toContain(find(/payload|1009/i)?.level);

    expect(JSON.stringify(entries)).not.toContain("sekrit-token-value-123");
  });
});
