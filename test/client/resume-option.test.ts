import { afterEach, describe, expect, it } from "vitest";
import { BotClient } from "../../src/client/node.js";
import { until } from "../helpers/until.js";
import { ALL_FEATURES, scriptedServer } from "./scripted.js";

const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

describe("BotClient({ resume })", () => {
  it("starts from a saved session and lastSeq: the hello resumes it, older seqs are ignored", async () => {
    const server = await scriptedServer({ features: ALL_FEATURES });
    cleanup.push(() => server.close());
    const client = new BotClient(server.url, {
      reconnect: false,
      resume: { session: "session-1", lastSeq: 7 },
    });
    cleanup.push(() => client.close());
    expect([client.session, client.lastSeq]).toEqual(["session-1", 7]);
    const opened: unknown[] = [];
    client.on("open", (event) => opened.push(event.resumed));
    const messages: number[] = [];
    client.on("message", (m) => messages.push(m.seq));
    await client.connect();
    expect(await server.nth("hello")).toMatchObject({ session: "session-1", lastSeq: 7 });
    expect(opened).toEqual([true]);
    // A replayed message the page already had is ignored; the next one is taken.
    server.send({ type: "message", seq: 7, text: "old" }, { type: "message", seq: 8, text: "new" });
    await until(() => client.lastSeq === 8, "seq 8");
    expect(messages).toEqual([8]);
  });

  it("refuses a resume that is not a session id and a seq", () => {
    for (const resume of [{ session: "" }, { session: "x".repeat(129) }, { session: 5 }]) {
      expect(() => new BotClient("ws://127.0.0.1:1", { resume: resume as never })).toThrow(
        TypeError,
      );
    }
    for (const lastSeq of [-1, 1.5, Number.NaN]) {
      expect(
        () => new BotClient("ws://127.0.0.1:1", { resume: { session: "s", lastSeq } }),
      ).toThrow(RangeError);
    }
  });
});
