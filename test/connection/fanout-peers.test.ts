import { describe, expect, it } from "vitest";
import { Fanout, type FanoutPeer } from "../../src/connection/fanout.js";
import type { Outlet } from "../../src/connection/outlet.js";
import type { OutboxEntry } from "../../src/storage/ledger.js";

// The fan-out keeps a session's live peers in a copy-on-write array (one tab costs an array
// of one, not a Set). These pin what the Set gave: no duplicates, pin on the first peer and
// unpin after the last, and a peer that leaves during a push does not make another miss it.

function setup() {
  const pins: string[] = [];
  const fanout = new Fanout({
    broker: undefined,
    ledger: { pin: (s) => void pins.push(`pin ${s}`), unpin: (s) => void pins.push(`unpin ${s}`) },
    logger: {},
  });
  const got: string[] = [];
  const peer = (name: string, onPush?: () => void): FanoutPeer => ({
    outlet: {
      push(entry: OutboxEntry) {
        got.push(`${name}:${entry.seq}`);
        onPush?.();
      },
    } as unknown as Outlet,
  });
  return { fanout, pins, got, peer };
}

describe("Fanout live peers", () => {
  it("delivers once per peer, however often it attached, and pins the session once", async () => {
    const { fanout, pins, got, peer } = setup();
    const a = peer("a");
    const b = peer("b");
    await fanout.attach("s1", a);
    await fanout.attach("s1", a);
    await fanout.attach("s1", b);
    fanout.push("s1", { seq: 1, frame: "{}" });
    expect(got).toEqual(["a:1", "b:1"]);
    fanout.detach("s1", a);
    expect(fanout.has("s1")).toBe(true);
    fanout.detach("s1", a);
    fanout.push("s1", { seq: 2, frame: "{}" });
    expect(got).toEqual(["a:1", "b:1", "b:2"]);
    fanout.detach("s1", b);
    expect(fanout.has("s1")).toBe(false);
    expect(pins).toEqual(["pin s1", "unpin s1"]);
  });

  it("a peer that detaches while the entry is pushed does not make the next one miss it", async () => {
    const { fanout, got, peer } = setup();
    let a: FanoutPeer | undefined;
    a = peer("a", () => fanout.detach("s1", a as FanoutPeer));
    const b = peer("b");
    const c = peer("c");
    for (const p of [a, b, c]) await fanout.attach("s1", p);
    fanout.push("s1", { seq: 1, frame: "{}" });
    expect(got).toEqual(["a:1", "b:1", "c:1"]);
    fanout.push("s1", { seq: 2, frame: "{}" });
    expect(got.slice(3)).toEqual(["b:2", "c:2"]);
  });

  it("a peer that attaches during a push gets the next entry, not the current one twice", async () => {
    const { fanout, got, peer } = setup();
    const late = peer("late");
    const a = peer("a", () => void fanout.attach("s1", late));
    await fanout.attach("s1", a);
    fanout.push("s1", { seq: 1, frame: "{}" });
    expect(got).toEqual(["a:1"]);
    fanout.push("s1", { seq: 2, frame: "{}" });
    expect(got).toEqual(["a:1", "a:2", "late:2"]);
  });
});
