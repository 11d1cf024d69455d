import { afterEach, describe, expect, it, vi } from "vitest";
import type { LedgerLimits } from "../../src/storage/ledger-limits.js";
import { MemoryLedger } from "../../src/storage/memory-ledger.js";

// The ledger never parses frames: a frame of n characters counts n bytes, whatever its seq.
const frame = (bytes: number) => () => "x".repeat(bytes);

const LIMITS: LedgerLimits = {
  outboxMessages: 1000,
  outboxBytes: 1024 * 1024,
  outboxAgeMs: 86_400_000,
  ledgerBytes: 256 * 1024 * 1024,
  dedupWindow: 1000,
  sessionTtlMs: 86_400_000,
};

const ledgerWith = (limits: Partial<LedgerLimits>, maxSessions?: number) =>
  new MemoryLedger({ ...LIMITS, ...limits }, maxSessions);

const seqs = (ledger: MemoryLedger, session: string, lastSeq = 0) =>
  ledger.open({ session, lastSeq }).replay.map((e) => e.seq);

describe("MemoryLedger: all outboxes together stay under ledgerBytes", () => {
  it("keeps every session while the outboxes fill ledgerBytes exactly", () => {
    const ledger = ledgerWith({ ledgerBytes: 1000 });
    const sessions = Array.from({ length: 10 }, () => {
      const { session } = ledger.open({});
      ledger.append(session, frame(100));
      return session;
    });
    expect(sessions.filter((s) => ledger.has(s))).toEqual(sessions);
  });

  it("one byte over forgets the least recently used session, and only that one", () => {
    const ledger = ledgerWith({ ledgerBytes: 1000 });
    const sessions = Array.from({ length: 10 }, () => {
      const { session } = ledger.open({});
      ledger.append(session, frame(100));
      return session;
    });
    const last = ledger.open({}).session;
    ledger.append(last, frame(1));
    expect(ledger.has(sessions[0] as string)).toBe(false);
    expect(sessions.slice(1).every((s) => ledger.has(s))).toBe(true);
    expect(ledger.has(last)).toBe(true);
  });

  it("never forgets the session being appended to, even alone over the budget", () => {
    const ledger = ledgerWith({ ledgerBytes: 100 });
    const { session } = ledger.open({});
    expect(ledger.append(session, frame(500)).seq).toBe(1);
    expect(ledger.has(session)).toBe(true);
    expect(seqs(ledger, session)).toEqual([1]);
  });

  it("acked bytes no longer count", () => {
    const ledger = ledgerWith({ ledgerBytes: 1000 });
    const first = ledger.open({}).session;
    for (let i = 0; i < 10; i++) ledger.append(first, frame(100));
    ledger.ack(first, 10);
    // The first session's outbox is empty: ten more 100-byte outboxes fit beside it.
    const others = Array.from({ length: 10 }, () => {
      const { session } = ledger.open({});
      ledger.append(session, frame(100));
      return session;
    });
    expect(ledger.has(first)).toBe(true);
    expect(others.every((s) => ledger.has(s))).toBe(true);
  });

  it("bytes dropped by the per-session limits no longer count", () => {
    const ledger = ledgerWith({ ledgerBytes: 1000, outboxMessages: 2 });
    const first = ledger.open({}).session;
    for (let i = 0; i < 10; i++) ledger.append(first, frame(100)); // keeps 2 × 100
    const others = Array.from({ length: 8 }, () => {
      const { session } = ledger.open({});
      ledger.append(session, frame(100));
      return session;
    });
    expect(ledger.has(first)).toBe(true);
    expect(others.every((s) => ledger.has(s))).toBe(true);
  });

  it("bytes of a forgotten session no longer count", () => {
    const ledger = ledgerWith({ ledgerBytes: 1000 });
    const big = ledger.open({}).session;
    ledger.append(big, frame(900));
    const a = ledger.open({}).session;
    ledger.append(a, frame(200)); // 1100: the big one goes
    expect(ledger.has(big)).toBe(false);
    const b = ledger.open({}).session;
    ledger.append(b, frame(800)); // 1000 exactly: both stay
    expect(ledger.has(a)).toBe(true);
    expect(ledger.has(b)).toBe(true);
  });
});

describe("MemoryLedger: one session's outbox", () => {
  it("keeps outboxBytes exactly, and drops the oldest beyond it", () => {
    const ledger = ledgerWith({ outboxBytes: 300 });
    const { session } = ledger.open({});
    for (let i = 0; i < 3; i++) ledger.append(session, frame(100));
    expect(seqs(ledger, session)).toEqual([1, 2, 3]);
    ledger.append(session, frame(100));
    expect(seqs(ledger, session)).toEqual([2, 3, 4]);
    ledger.append(session, frame(250));
    expect(seqs(ledger, session)).toEqual([5]);
  });

  it("keeps the newest message even when it alone is over outboxBytes", () => {
    const ledger = ledgerWith({ outboxBytes: 100 });
    const { session } = ledger.open({});
    ledger.append(session, frame(50));
    ledger.append(session, frame(500));
    expect(seqs(ledger, session)).toEqual([2]);
  });

  it("keeps outboxMessages exactly", () => {
    const ledger = ledgerWith({ outboxMessages: 3 });
    const { session } = ledger.open({});
    for (let i = 0; i < 3; i++) ledger.append(session, frame(1));
    expect(seqs(ledger, session)).toEqual([1, 2, 3]);
    ledger.append(session, frame(1));
    expect(seqs(ledger, session)).toEqual([2, 3, 4]);
  });

  it("acked bytes leave the session's budget", () => {
    const ledger = ledgerWith({ outboxBytes: 300 });
    const { session } = ledger.open({});
    for (let i = 0; i < 3; i++) ledger.append(session, frame(100));
    ledger.ack(session, 3);
    for (let i = 0; i < 3; i++) ledger.append(session, frame(100));
    const resumed = ledger.open({ session, lastSeq: 3 });
    expect(resumed.replay.map((e) => e.seq)).toEqual([4, 5, 6]);
    expect(resumed.gap).toBe(false);
  });

  it("ack drops exactly the entries up to and including seq, and is not a gap", () => {
    const ledger = ledgerWith({});
    const { session } = ledger.open({});
    for (let i = 0; i < 4; i++) ledger.append(session, frame(10));
    ledger.ack(session, 2);
    const resumed = ledger.open({ session, lastSeq: 2 });
    expect(resumed.replay.map((e) => e.seq)).toEqual([3, 4]);
    expect(resumed.gap).toBe(false);
    expect(resumed.seq).toBe(4);
    // A connection that had less than what was acked (another tab's ack) hears of the loss.
    const behind = ledger.open({ session, lastSeq: 0 });
    expect(behind.replay.map((e) => e.seq)).toEqual([3, 4]);
    expect(behind.gap).toBe(true);
    ledger.ack(session, 99);
    expect(seqs(ledger, session)).toEqual([]);
    expect(ledger.append(session, frame(10)).seq).toBe(5);
    expect(() => ledger.ack("no-such-session", 1)).not.toThrow();
  });

  it("ack of a session that was not the last one looked up still trims it", () => {
    const ledger = ledgerWith({});
    const a = ledger.open({}).session;
    const b = ledger.open({}).session;
    ledger.append(a, frame(10));
    ledger.append(a, frame(10));
    ledger.append(b, frame(10));
    ledger.ack(a, 1);
    expect(seqs(ledger, a)).toEqual([2]);
    expect(seqs(ledger, b)).toEqual([1]);
  });
});

describe("MemoryLedger: resume", () => {
  it("reports a gap only when the client has not seen everything that was dropped", () => {
    const ledger = ledgerWith({ outboxMessages: 2 });
    const { session } = ledger.open({});
    for (let i = 0; i < 4; i++) ledger.append(session, frame(10)); // 1 and 2 dropped unacked
    const seen2 = ledger.open({ session, lastSeq: 2 });
    expect(seen2.gap).toBe(false);
    expect(seen2.replay.map((e) => e.seq)).toEqual([3, 4]);
    const seen1 = ledger.open({ session, lastSeq: 1 });
    expect(seen1.gap).toBe(true);
    expect(seen1.replay.map((e) => e.seq)).toEqual([3, 4]);
    expect(ledger.open({ session }).gap).toBe(true);
  });

  it("a lastSeq beyond the session's seq replays nothing and is no gap", () => {
    const ledger = ledgerWith({ outboxMessages: 2 });
    const { session } = ledger.open({});
    for (let i = 0; i < 4; i++) ledger.append(session, frame(10));
    const ahead = ledger.open({ session, lastSeq: 10 });
    expect(ahead).toMatchObject({ session, resumed: true, seq: 4, gap: false, replay: [] });
  });

  it("another owner's session, or none, is not resumed", () => {
    const ledger = ledgerWith({});
    const mine = ledger.open({ owner: "alice" }).session;
    expect(ledger.open({ session: mine, owner: "bob" }).resumed).toBe(false);
    expect(ledger.open({ session: mine }).resumed).toBe(false);
    expect(ledger.open({ session: mine, owner: "alice" }).resumed).toBe(true);
    const anonymous = ledger.open({}).session;
    expect(ledger.open({ session: anonymous, owner: "alice" }).resumed).toBe(false);
    expect(ledger.open({ session: "" }).resumed).toBe(false);
  });
});

describe("MemoryLedger: dedup replays a message's own replies", () => {
  it("a re-sent id gets exactly the replies it produced, not the whole outbox", () => {
    const ledger = ledgerWith({});
    const { session } = ledger.open({});
    expect(ledger.claim(session, "m1").state).toBe("new");
    ledger.append(session, frame(10));
    ledger.settle(session, "m1", [1]);
    expect(ledger.claim(session, "m2").state).toBe("new");
    ledger.append(session, frame(10));
    ledger.append(session, frame(10));
    ledger.settle(session, "m2", [2, 3]);
    ledger.append(session, frame(10)); // a broadcast, no reply to anything
    expect(ledger.claim(session, "m3").state).toBe("new");
    ledger.settle(session, "m3", []);

    const replies = (id: string) => {
      const claim = ledger.claim(session, id);
      return claim.state === "done" ? claim.replies.map((e) => e.seq) : claim.state;
    };
    expect(replies("m1")).toEqual([1]);
    expect(replies("m2")).toEqual([2, 3]);
    expect(replies("m3")).toEqual([]);
    ledger.ack(session, 2);
    expect(replies("m2")).toEqual([3]);
    expect(replies("m1")).toEqual([]);
  });

  it("an id being handled is pending until settled; a released one runs again", () => {
    const ledger = ledgerWith({});
    const { session } = ledger.open({});
    expect(ledger.claim(session, "m1").state).toBe("new");
    expect(ledger.claim(session, "m1").state).toBe("pending");
    ledger.release(session, "m1");
    expect(ledger.claim(session, "m1").state).toBe("new");
    ledger.settle(session, "m1", []);
    expect(ledger.claim(session, "m1").state).toBe("done");
  });
});

describe("MemoryLedger: a forgotten session leaves its owner and rooms", () => {
  it("an evicted session is no longer a member of its rooms or a session of its owner", () => {
    const ledger = ledgerWith({}, 2);
    const old = ledger.open({ owner: "alice" }).session;
    ledger.join(old, "lobby");
    const kept = ledger.open({ owner: "alice" }).session;
    ledger.join(kept, "lobby");
    expect(ledger.members("lobby").sort()).toEqual([old, kept].sort());
    ledger.open({}); // a third session: the least recently used (old) goes
    expect(ledger.has(old)).toBe(false);
    expect(ledger.members("lobby")).toEqual([kept]);
    expect(ledger.sessionsOf("alice")).toEqual([kept]);
  });

  it("keeps no index entry for a user or room with no live session", () => {
    const ledger = ledgerWith({}, 1);
    const old = ledger.open({ owner: "alice" }).session;
    ledger.join(old, "lobby");
    ledger.open({}); // evicts old
    const internals = ledger as unknown as {
      owners: Map<string, unknown>;
      rooms: Map<string, unknown>;
    };
    expect(internals.owners.has("alice")).toBe(false);
    expect(internals.rooms.has("lobby")).toBe(false);
    expect(ledger.members("lobby")).toEqual([]);
  });

  it("a connected session stays in its rooms until it is unpinned", () => {
    const ledger = ledgerWith({}, 1);
    const connected = ledger.open({ owner: "alice" }).session;
    ledger.join(connected, "lobby");
    ledger.pin(connected);
    ledger.open({}); // evicts it from the LRU, not from memory
    expect(ledger.members("lobby")).toEqual([connected]);
    expect(ledger.sessionsOf("alice")).toEqual([connected]);
    ledger.unpin(connected);
    expect(ledger.has(connected)).toBe(false);
    expect(ledger.members("lobby")).toEqual([]);
    expect(ledger.sessionsOf("alice")).toEqual([]);
  });

  it("unpinning a session still in the LRU keeps it and its rooms", () => {
    const ledger = ledgerWith({});
    const session = ledger.open({ owner: "alice" }).session;
    ledger.join(session, "lobby");
    ledger.pin(session);
    ledger.unpin(session);
    expect(ledger.has(session)).toBe(true);
    expect(ledger.members("lobby")).toEqual([session]);
    expect(ledger.sessionsOf("alice")).toEqual([session]);
  });

  it("leave() takes a session out of a room, and the room goes when empty", () => {
    const ledger = ledgerWith({});
    const a = ledger.open({}).session;
    const b = ledger.open({}).session;
    ledger.join(a, "r");
    ledger.join(b, "r");
    ledger.leave(a, "r");
    expect(ledger.members("r")).toEqual([b]);
    expect(ledger.roomsOf(a)).toEqual([]);
    expect(ledger.roomsOf(b)).toEqual(["r"]);
    ledger.leave(b, "r");
    expect((ledger as unknown as { rooms: Map<string, unknown> }).rooms.has("r")).toBe(false);
  });
});

describe("MemoryLedger: age and lifetime", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("keeps a message exactly outboxAgeMs old, and drops it one millisecond later", () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const ledger = ledgerWith({ outboxAgeMs: 1000 });
    const { session } = ledger.open({});
    ledger.append(session, frame(10));
    vi.setSystemTime(Date.now() + 1000);
    ledger.append(session, frame(10));
    expect(seqs(ledger, session)).toEqual([1, 2]);
    vi.setSystemTime(Date.now() + 1);
    ledger.append(session, frame(10));
    const resumed = ledger.open({ session, lastSeq: 0 });
    expect(resumed.replay.map((e) => e.seq)).toEqual([2, 3]);
    expect(resumed.gap).toBe(true);
  });

  it("a user's expired session is not among their sessions", async () => {
    const ledger = ledgerWith({ sessionTtlMs: 20 });
    ledger.open({ owner: "alice" });
    // Waiting longer than the TTL is safe on a busy machine: a late timer only waits more.
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(ledger.sessionsOf("alice")).toEqual([]);
    expect(ledger.sessionsOf("nobody")).toEqual([]);
  });

  it("a session that left the ledger has no rooms, even right after it was used", () => {
    const ledger = ledgerWith({}, 1);
    const gone = ledger.open({}).session;
    ledger.join(gone, "lobby"); // the last session the ledger looked up
    ledger.open({}); // evicts it
    expect(ledger.has(gone)).toBe(false);
    expect(ledger.roomsOf(gone)).toEqual([]);
    expect(ledger.roomsOf("never-existed")).toEqual([]);
  });

  it("a late ack for a session that just left changes nothing", () => {
    const ledger = ledgerWith({ ledgerBytes: 1000 }, 2);
    const gone = ledger.open({}).session;
    ledger.append(gone, frame(300)); // the last session the ledger looked up
    const a = ledger.open({}).session;
    const b = ledger.open({}).session; // a third session: the least recently used (gone) leaves
    expect(ledger.has(gone)).toBe(false);
    ledger.ack(gone, 99); // e.g. its client's ack, still on the way
    ledger.append(a, frame(500));
    ledger.append(b, frame(600)); // 1100 > 1000: the least recently used (a) goes
    expect(ledger.has(a)).toBe(false);
    expect(ledger.has(b)).toBe(true);
  });
});
