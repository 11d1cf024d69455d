import { afterAll, describe, expect, it } from "vitest";
import { RedisLedger } from "../../src/redis/ledger.js";
import { redisFixture, skipWithoutRedis } from "../helpers/redis-available.js";

// Redis replicates asynchronously: a failover can throw away the last writes a master
// acknowledged, the session's seq counter among them. Simulated here on one Redis by
// rolling the counter back and dropping the newest outbox entries, as a promoted replica
// that missed them would look. The ledger must never hand out a seq a client already holds
// for another message (the client would drop the new reply as a repeat: lost silently).
const skip = await skipWithoutRedis("failover rollback tests");
const prefix = `test-rollback:${Date.now().toString(36)}:`;
const fixture = redisFixture(prefix);
afterAll(() => fixture.cleanup());

const encode = (text: string) => (seq: number) => JSON.stringify({ type: "message", seq, text });

async function sessionWithFiveReplies(ledger: RedisLedger) {
  const { session } = await ledger.open({});
  for (let n = 1; n <= 5; n++) await ledger.append(session, encode(`reply ${n}`));
  return session;
}

/** What a promoted replica that missed the last three writes holds. */
async function rollBack(session: string) {
  const redis = fixture.client();
  await redis.hset(`${prefix}{${session}}:sess`, "seq", 2);
  await redis.zremrangebyscore(`${prefix}{${session}}:out`, 3, "+inf");
}

describe.skipIf(skip)("RedisLedger after a failover lost the last writes", () => {
  it("does not reuse a seq this node assigned; the lost range is reported on resume", async () => {
    const ledger = new RedisLedger(fixture.client(), { prefix });
    const session = await sessionWithFiveReplies(ledger);
    await rollBack(session);
    const next = await ledger.append(session, encode("after the failover"));
    expect(next.seq).toBe(6);
    // A client that saw everything resumes without a gap; one that saw only up to 2 is told
    // that 3–5 are gone (they are no longer in the outbox).
    const full = await ledger.open({ session, lastSeq: 5 });
    expect(full).toMatchObject({ resumed: true, seq: 6, gap: false });
    expect(full.replay.map((e) => e.seq)).toEqual([6]);
    const behind = await ledger.open({ session, lastSeq: 2 });
    expect(behind.gap).toBe(true);
  });

  it("moves the seq up to what a resuming client holds, on a node that never saw it", async () => {
    const before = new RedisLedger(fixture.client(), { prefix });
    const session = await sessionWithFiveReplies(before);
    await rollBack(session);
    const fresh = new RedisLedger(fixture.client(), { prefix });
    const resumed = await fresh.open({ session, lastSeq: 5 });
    expect(resumed).toMatchObject({ resumed: true, seq: 5, gap: false, replay: [] });
    expect((await fresh.append(session, encode("next"))).seq).toBe(6);
  });
});
