/**
 * The cases of the ledger conformance suite, as plain async functions that throw on failure.
 * Each gets a fresh ledger made with {@link SUITE_LIMITS}.
 * @module
 */
import type { Ledger } from "./ledger.js";
import type { LedgerLimits } from "./ledger-limits.js";
import { suiteAssert } from "./suite-assert.js";

const { same, ok } = suiteAssert("ledger suite");

/** The limits the suite's ledgers are made with: small, so the bounds are reached quickly. */
export const SUITE_LIMITS: Readonly<LedgerLimits> = Object.freeze({
  outboxMessages: 5,
  outboxBytes: 1024 * 1024,
  outboxAgeMs: 86_400_000,
  ledgerBytes: 256 * 1024 * 1024,
  dedupWindow: 3,
  sessionTtlMs: 86_400_000,
});

const encode = (text: string) => (seq: number) => JSON.stringify({ type: "message", seq, text });

const seqs = (entries: readonly { seq: number }[]) => entries.map((e) => e.seq);

/** Appends `count` messages; resolves with their entries. */
async function appendMany(ledger: Ledger, session: string, count: number, replyTo?: string) {
  const entries = [];
  for (let i = 0; i < count; i++)
    entries.push(await ledger.append(session, encode(`m${i}`), replyTo));
  return entries;
}

export const ledgerCases = {
  "opens sessions with distinct, unguessable ids": async (ledger: Ledger) => {
    const a = await ledger.open({});
    const b = await ledger.open({});
    ok(a.session !== b.session, "two sessions got the same id");
    ok(a.session.length >= 22, `session id too short to be unguessable: ${a.session}`);
    same(
      { resumed: a.resumed, seq: a.seq, gap: a.gap, replay: a.replay },
      {
        resumed: false,
        seq: 0,
        gap: false,
        replay: [],
      },
      "a new session",
    );
    same(await ledger.has(a.session), true, "has(new session)");
    same(await ledger.has("f".repeat(32)), false, "has(unknown session)");
  },

  "assigns seqs one by one and replays every message after lastSeq": async (ledger: Ledger) => {
    const { session } = await ledger.open({});
    const entries = await appendMany(ledger, session, 3);
    same(seqs(entries), [1, 2, 3], "seqs");
    same(JSON.parse(entries[1]?.frame ?? "null"), { type: "message", seq: 2, text: "m1" }, "frame");
    const resumed = await ledger.open({ session, lastSeq: 1 });
    same(
      [resumed.session, resumed.resumed, resumed.seq, resumed.gap],
      [session, true, 3, false],
      "resume",
    );
    same(resumed.replay, entries.slice(1), "replay after lastSeq 1");
    same((await ledger.open({ session, lastSeq: 3 })).replay, [], "replay when up to date");
  },

  "refuses unknown and foreign sessions with a fresh id": async (ledger: Ledger) => {
    const mine = await ledger.open({ owner: "alice" });
    const unknown = await ledger.open({ session: "f".repeat(32) });
    same(unknown.resumed, false, "unknown session resumed");
    const stolen = await ledger.open({ session: mine.session, owner: "mallory" });
    same(stolen.resumed, false, "another owner resumed alice's session");
    ok(stolen.session !== mine.session, "another owner got alice's session id");
    same(
      (await ledger.open({ session: mine.session })).resumed,
      false,
      "anonymous resume of an owned session",
    );
    same(
      (await ledger.open({ session: mine.session, owner: "alice" })).resumed,
      true,
      "owner resume",
    );
    same(await ledger.sessionsOf("alice"), [mine.session], "sessionsOf(alice)");
    same(await ledger.sessionsOf("nobody"), [], "sessionsOf(nobody)");
  },

  "trims acked messages and reports a gap exactly when unacked ones were dropped": async (
    ledger: Ledger,
  ) => {
    const { session } = await ledger.open({});
    await appendMany(ledger, session, 3);
    await ledger.ack(session, 2);
    same(seqs((await ledger.open({ session, lastSeq: 0 })).replay), [3], "replay after ack 2");
    await appendMany(ledger, session, 7);
    // outboxMessages is 5: 6..10 are kept, 3..5 were dropped without an ack.
    const kept = await ledger.open({ session, lastSeq: 5 });
    same([kept.gap, seqs(kept.replay)], [false, [6, 7, 8, 9, 10]], "resume from 5");
    const late = await ledger.open({ session, lastSeq: 4 });
    same([late.gap, seqs(late.replay)], [true, [6, 7, 8, 9, 10]], "resume from 4");
  },

  "a message acked away is not dropped as unacked: no gap": async (ledger: Ledger) => {
    const { session } = await ledger.open({});
    await appendMany(ledger, session, 5);
    await ledger.ack(session, 5);
    await appendMany(ledger, session, 5);
    const resumed = await ledger.open({ session, lastSeq: 5 });
    same([resumed.gap, seqs(resumed.replay)], [false, [6, 7, 8, 9, 10]], "resume after ack");
  },

  "a resume below what another connection acked reports a gap (never a silent loss)": async (
    ledger: Ledger,
  ) => {
    const { session } = await ledger.open({});
    await appendMany(ledger, session, 4);
    // One tab got and acked 1..3; another had only 1 when it went away.
    await ledger.ack(session, 3);
    const other = await ledger.open({ session, lastSeq: 1 });
    same([other.gap, seqs(other.replay)], [true, [4]], "resume from 1 after another's ack 3");
    const first = await ledger.open({ session, lastSeq: 3 });
    same([first.gap, seqs(first.replay)], [false, [4]], "resume from 3");
    const current = await ledger.open({ session, lastSeq: 4 });
    same([current.gap, seqs(current.replay)], [false, []], "resume from 4 (up to date)");
  },

  "claims an id once, then replays only that id's replies": async (ledger: Ledger) => {
    const { session } = await ledger.open({});
    same(await ledger.claim(session, "a"), { state: "new" }, "first claim of a");
    same(await ledger.claim(session, "a"), { state: "pending" }, "second claim of a");
    same(await ledger.claim(session, "b"), { state: "new" }, "first claim of b");
    const [a1] = await appendMany(ledger, session, 1, "a");
    await ledger.append(session, encode("a push"));
    const [b1] = await appendMany(ledger, session, 1, "b");
    const [a2] = await appendMany(ledger, session, 1, "a");
    await ledger.settle(session, "b", [b1?.seq ?? -1]);
    await ledger.settle(session, "a", [a1?.seq ?? -1, a2?.seq ?? -1]);
    same(await ledger.claim(session, "a"), { state: "done", replies: [a1, a2] }, "re-sent a");
    same(await ledger.claim(session, "b"), { state: "done", replies: [b1] }, "re-sent b");
  },

  "a settled id without replies stays done; its acked replies are no longer replayed": async (
    ledger: Ledger,
  ) => {
    const { session } = await ledger.open({});
    await ledger.claim(session, "quiet");
    await ledger.settle(session, "quiet", []);
    same(await ledger.claim(session, "quiet"), { state: "done", replies: [] }, "quiet id");
    await ledger.claim(session, "x");
    const reply = await ledger.append(session, encode("answer"), "x");
    await ledger.settle(session, "x", [reply.seq]);
    await ledger.ack(session, reply.seq);
    same(await ledger.claim(session, "x"), { state: "done", replies: [] }, "acked reply");
  },

  "release lets a message that failed before replying run again": async (ledger: Ledger) => {
    const { session } = await ledger.open({});
    same(await ledger.claim(session, "m"), { state: "new" }, "claim");
    await ledger.release(session, "m");
    same(await ledger.claim(session, "m"), { state: "new" }, "claim after release");
  },

  "forgets the oldest ids beyond the dedup window": async (ledger: Ledger) => {
    const { session } = await ledger.open({});
    for (const id of ["a", "b", "c", "d"]) {
      await ledger.claim(session, id);
      await ledger.settle(session, id, []);
    }
    // dedupWindow is 3: "b".."d" are remembered, "a" is forgotten (checked last: claiming it
    // again records it, which pushes "b" out).
    for (const id of ["b", "c", "d"]) same((await ledger.claim(session, id)).state, "done", id);
    same(await ledger.claim(session, "a"), { state: "new" }, "oldest id");
  },

  "keeps ids per session": async (ledger: Ledger) => {
    const one = await ledger.open({});
    const two = await ledger.open({});
    await ledger.claim(one.session, "same-id");
    await ledger.settle(one.session, "same-id", []);
    same(await ledger.claim(two.session, "same-id"), { state: "new" }, "the other session's id");
  },

  "keeps room membership per session": async (ledger: Ledger) => {
    const a = await ledger.open({});
    const b = await ledger.open({});
    await ledger.join(a.session, "r");
    await ledger.join(b.session, "r");
    await ledger.join(a.session, "r");
    await ledger.join(a.session, "other");
    same((await ledger.members("r")).sort(), [a.session, b.session].sort(), "members(r)");
    same((await ledger.roomsOf(a.session)).sort(), ["other", "r"], "roomsOf(a)");
    await ledger.leave(b.session, "r");
    await ledger.leave(b.session, "r");
    same(await ledger.members("r"), [a.session], "members(r) after leave");
    same(await ledger.roomsOf(b.session), [], "roomsOf(b) after leave");
    same(await ledger.members("empty"), [], "members of an empty room");
  },

  "assigns seqs atomically under concurrent appends": async (ledger: Ledger) => {
    const { session } = await ledger.open({});
    const entries = await Promise.all(
      Array.from({ length: 20 }, (_, i) => ledger.append(session, encode(`c${i}`))),
    );
    same(
      seqs(entries).sort((x, y) => x - y),
      Array.from({ length: 20 }, (_, i) => i + 1),
      "seqs of concurrent appends",
    );
  },

  "renewClaim, when offered, never creates a claim nor reopens a settled one": async (
    ledger: Ledger,
  ) => {
    if (ledger.renewClaim === undefined) return;
    const { session } = await ledger.open({});
    await ledger.renewClaim(session, "ghost");
    same(await ledger.claim(session, "ghost"), { state: "new" }, "claim after renewing a ghost");
    await ledger.claim(session, "x");
    const reply = await ledger.append(session, encode("answer"), "x");
    await ledger.settle(session, "x", [reply.seq]);
    await ledger.renewClaim(session, "x");
    same(await ledger.claim(session, "x"), { state: "done", replies: [reply] }, "settled claim");
  },
} satisfies Record<string, (ledger: Ledger) => Promise<void>>;
