import { afterEach, describe, expect, it, vi } from "vitest";
import { HOLD_MS, Outlet } from "../../src/connection/outlet.js";

const entry = (seq: number) => ({ seq, frame: `f${seq}` });

function outlet() {
  const written: string[] = [];
  let resyncs = 0;
  const out = new Outlet(
    (frame) => written.push(frame),
    () => {
      resyncs++;
    },
  );
  return { out, written, resyncs: () => resyncs };
}

afterEach(() => {
  vi.useRealTimers();
});

describe("Outlet: outbox entries reach a connection once and in seq order", () => {
  it("holds an entry that came before the one preceding it (another node's), then writes both in order", () => {
    const { out, written, resyncs } = outlet();
    out.open(0, 0, [], []);
    out.push(entry(1));
    out.push(entry(3)); // seq 2 is still on its way through the broker
    out.push(entry(4));
    expect(written).toEqual(["f1"]);
    out.push(entry(2));
    expect(written).toEqual(["f1", "f2", "f3", "f4"]);
    out.push(entry(3)); // a repeat
    expect(written).toEqual(["f1", "f2", "f3", "f4"]);
    expect(resyncs()).toBe(0);
  });

  it("makes the client resume when a missing seq does not come in time", () => {
    vi.useFakeTimers();
    const { out, written, resyncs } = outlet();
    out.open(0, 0, [], []);
    out.push(entry(2));
    vi.advanceTimersByTime(HOLD_MS - 1);
    expect(resyncs()).toBe(0);
    vi.advanceTimersByTime(1);
    expect(resyncs()).toBe(1);
    expect(written).toEqual([]);
  });

  it("a filled gap cancels the wait", () => {
    vi.useFakeTimers();
    const { out, resyncs } = outlet();
    out.open(0, 0, [], []);
    out.push(entry(2));
    out.push(entry(1));
    vi.advanceTimersByTime(HOLD_MS * 2);
    expect(resyncs()).toBe(0);
  });

  it("after a resume, continues after the highest seq assigned (a gap the welcome reported is no hole)", () => {
    const { out, written } = outlet();
    out.push(entry(9)); // live, during the handshake
    // lastSeq 3, the outbox kept 8 only (4–7 were dropped: the welcome said gap), seq is 8.
    out.open(3, 8, [entry(8)], []);
    out.push(entry(10));
    expect(written).toEqual(["f8", "f9", "f10"]);
  });

  it("writes snapshots after the replay and before what arrived meanwhile, trimmed to what is new", () => {
    const { out, written } = outlet();
    out.delta("s", 0, "Once", '{"d":"Once"}');
    out.delta("s", 4, " upon", '{"d":" upon"}');
    out.ephemeral('{"type":"activity"}');
    out.open(0, 1, [entry(1)], [{ id: "s", text: "Once up" }]);
    expect(written).toEqual([
      "f1",
      '{"type":"delta","stream":"s","at":0,"text":"Once up"}',
      // "Once" is in the snapshot: dropped; " upon" overlaps it: only "on" goes out.
      '{"type":"delta","stream":"s","at":7,"text":"on"}',
      '{"type":"activity"}',
    ]);
  });
});
