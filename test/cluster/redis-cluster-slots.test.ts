/**
 * The key layout on a real Redis Cluster (scripts/redis-cluster.sh): one slot per session,
 * and rooms and users whose sessions sit on every master.
 */
import { randomUUID } from "node:crypto";
import type { Cluster } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { RedisLedger, RedisStore } from "../../src/redis/index.js";
import { clusterFixture, masterOf, skipWithoutCluster } from "../helpers/redis-cluster.js";

const skip = await skipWithoutCluster("Redis Cluster key layout tests");
const prefix = `botwire-test:${randomUUID()}:`;
const cluster = clusterFixture(prefix);
const shared = skip ? undefined : await cluster.client();
afterAll(() => (skip ? undefined : cluster.cleanup()));

const encode = (text: string) => (seq: number) => JSON.stringify({ type: "message", seq, text });

describe.skipIf(skip)("RedisLedger on a Redis Cluster", () => {
  const redis = shared as Cluster;
  const slotOf = async (key: string) => Number(await redis.cluster("KEYSLOT", key));
  /** A ledger under a prefix of its own, and the keys it made so far. */
  const fresh = () => {
    const own = `${prefix}${randomUUID()}:`;
    return {
      ledger: new RedisLedger(redis, { prefix: own, claimLeaseMs: 60_000 }),
      keys: async () => (await cluster.keys()).filter((key) => key.startsWith(own)),
      own,
    };
  };
  /** Opens sessions of `owner` until every master holds at least `each` of them. */
  const spread = async (ledger: RedisLedger, owner: string, each: number) => {
    const masters = new Set(
      redis.nodes("master").map((n) => `${n.options.host}:${n.options.port}`),
    );
    const byMaster = new Map<string, string[]>();
    for (let i = 0; i < 200; i++) {
      const { session } = await ledger.open({ owner });
      const master = masterOf(redis, await slotOf(`{${session}}`));
      byMaster.set(master, [...(byMaster.get(master) ?? []), session]);
      const covered = [...masters].every((m) => (byMaster.get(m)?.length ?? 0) >= each);
      if (covered) break;
    }
    expect([...byMaster.keys()].sort()).toEqual([...masters].sort());
    return { sessions: [...byMaster.values()].flat(), byMaster };
  };

  it("keeps every key of one session in one slot, the slot of {<session>}", async () => {
    const { ledger, keys, own } = fresh();
    const { session } = await ledger.open({ owner: "alice" });
    expect(await ledger.claim(session, "m1")).toEqual({ state: "new" });
    const reply = await ledger.append(session, encode("answer"), "m1");
    await ledger.settle(session, "m1", [reply.seq]);
    await ledger.join(session, "lobby");
    await ledger.ack(session, 0);
    expect(await ledger.open({ session, owner: "alice", lastSeq: 0 })).toMatchObject({
      resumed: true,
      replay: [reply],
    });
    const made = await keys();
    const mine = made.filter((key) => key.includes(`{${session}}`));
    expect(mine.map((key) => key.slice(`${own}{${session}}:`.length)).sort()).toEqual([
      "out",
      "rooms",
      "seen",
      "seenq",
      "sess",
    ]);
    const slot = await slotOf(`{${session}}`);
    for (const key of mine) expect([key, await slotOf(key)]).toEqual([key, slot]);
    // The others: the room's set in the room's slot, the user's in the user's.
    expect(made.filter((key) => !mine.includes(key)).sort()).toEqual([
      `${own}room:{lobby}`,
      `${own}user:{alice}`,
    ]);
    expect(await slotOf(`${own}room:{lobby}`)).toBe(await slotOf("lobby"));
    expect(await slotOf(`${own}user:{alice}`)).toBe(await slotOf("alice"));
  });

  it("treats a session id a client made up with braces as unknown (no CROSSSLOT)", async () => {
    const { ledger } = fresh();
    // "}x" would make Redis hash each key whole (its first "{" is followed at once by "}").
    for (const forged of ["}x", "{x}", "a}b", ""]) {
      const opened = await ledger.open({ session: forged, lastSeq: 0 });
      expect([forged, opened.resumed, opened.session === forged]).toEqual([forged, false, false]);
      expect(await ledger.has(forged)).toBe(false);
    }
  });

  it("members() and sessionsOf() gather sessions from every master, and drop expired ones", async () => {
    const { ledger, own } = fresh();
    const { sessions, byMaster } = await spread(ledger, "carol", 2);
    for (const session of sessions) await ledger.join(session, "everyone");
    expect((await ledger.members("everyone")).sort()).toEqual([...sessions].sort());
    expect((await ledger.sessionsOf("carol")).sort()).toEqual([...sessions].sort());
    // One session per master expires (its hash goes, as at the end of its TTL).
    const gone = [...byMaster.values()].map((list) => list[0] as string);
    for (const session of gone) await redis.del(`${own}{${session}}:sess`);
    const alive = sessions.filter((s) => !gone.includes(s)).sort();
    expect((await ledger.members("everyone")).sort()).toEqual(alive);
    expect((await ledger.sessionsOf("carol")).sort()).toEqual(alive);
    // …and is dropped from the sets (in the background, so poll).
    await expect
      .poll(async () => (await redis.smembers(`${own}room:{everyone}`)).sort())
      .toEqual(alive);
    await expect
      .poll(async () => (await redis.smembers(`${own}user:{carol}`)).sort())
      .toEqual(alive);
  });

  it("leave() takes a session out of the room and out of roomsOf()", async () => {
    const { ledger } = fresh();
    const { sessions } = await spread(ledger, "dave", 1);
    for (const session of sessions) {
      await ledger.join(session, "a");
      await ledger.join(session, "b");
    }
    const [left = "", ...stayed] = sessions;
    await ledger.leave(left, "a");
    expect((await ledger.members("a")).sort()).toEqual([...stayed].sort());
    expect((await ledger.members("b")).sort()).toEqual([...sessions].sort());
    expect(await ledger.roomsOf(left)).toEqual(["b"]);
    expect((await ledger.roomsOf(stayed[0] ?? "")).sort()).toEqual(["a", "b"]);
    await ledger.join(left, "a");
    expect((await ledger.roomsOf(left)).sort()).toEqual(["a", "b"]);
  });

  it("roomsOf() and members() agree after concurrent joins and leaves of one session", async () => {
    const { ledger } = fresh();
    const { session } = await ledger.open({});
    for (let round = 0; round < 30; round++) {
      const room = `race-${round % 3}`;
      await Promise.all([ledger.join(session, room), ledger.leave(session, room)]);
      for (const r of ["race-0", "race-1", "race-2"]) {
        const inRoom = (await ledger.members(r)).includes(session);
        expect([r, (await ledger.roomsOf(session)).includes(r)]).toEqual([r, inRoom]);
      }
    }
  });

  it("RedisStore: each operation on one key works across all masters", async () => {
    const store = new RedisStore(redis, { prefix });
    const keys = Array.from({ length: 30 }, (_, i) => `k${i}`);
    const slots = await Promise.all(keys.map((k) => slotOf(`${prefix}kv:${k}`)));
    expect(new Set(slots.map((slot) => masterOf(redis, slot))).size).toBe(3);
    await Promise.all(keys.map((k, i) => store.set(k, { i }, 60_000)));
    expect(await Promise.all(keys.map((k) => store.get(k)))).toEqual(keys.map((_, i) => ({ i })));
    const tokens = await Promise.all(keys.map((k) => store.lock(k, 60_000)));
    expect(tokens.every((t) => typeof t === "string")).toBe(true);
    expect(await store.increment("count", 2, 60_000)).toMatchObject({ count: 2 });
  });
});
