import type { Redis } from "ioredis";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { DEFAULT_LIMITS } from "../../src/middleware/index.js";
import {
  DEFAULT_COMMAND_TIMEOUT_MS,
  RedisBroker,
  RedisLedger,
  RedisStore,
  RedisTimeoutError,
} from "../../src/redis/index.js";

// Every operation of RedisStore, RedisLedger and RedisBroker against a client whose commands
// never get an answer (a frozen Redis), on fake timers: each fails with a RedisTimeoutError
// exactly when its deadline passes. No Redis needed; test/redis/redis-stall.test.ts does the
// same over a real connection.

/** An ioredis stand-in whose every command stays unanswered; records what was sent. */
function frozenRedis() {
  const sent: Array<{ command: string; args: unknown[] }> = [];
  const never = () => new Promise<never>(() => {});
  const multi: object = new Proxy(
    {},
    {
      get: (_target, command) =>
        command === "exec"
          ? () => {
              sent.push({ command: "exec", args: [] });
              return never();
            }
          : () => multi,
    },
  );
  const redis = new Proxy(
    {},
    {
      get: (_target, command) => {
        if (command === "then") return undefined; // not a thenable
        if (command === "status") return "ready"; // connected, but it never answers
        if (command === "multi") return () => multi;
        return (...args: unknown[]) => {
          sent.push({ command: String(command), args });
          return never();
        };
      },
    },
  ) as unknown as Redis;
  return { redis, sent };
}

/** How an operation has settled so far. */
function track(operation: Promise<unknown>) {
  const state: { settled: boolean; error?: unknown } = { settled: false };
  operation.then(
    () => {
      state.settled = true;
    },
    (error: unknown) => {
      state.settled = true;
      state.error = error;
    },
  );
  return state;
}

/** Runs `call`, checks it is pending just before `ms` and failed with the timeout at `ms`. */
async function expectDeadline(name: string, call: () => Promise<unknown>, ms: number) {
  const state = track(call());
  await vi.advanceTimersByTimeAsync(ms - 1);
  expect(state.settled, `${name} settled before its deadline`).toBe(false);
  await vi.advanceTimersByTimeAsync(1);
  expect(state.error, `${name} did not time out`).toBeInstanceOf(RedisTimeoutError);
  const error = state.error as RedisTimeoutError;
  expect(error.operation).toBe(name);
  expect(error.timeoutMs).toBe(ms);
  expect(error.message).toMatch(/commandTimeoutMs/);
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("commandTimeoutMs: a deadline on every Redis operation", () => {
  it(`defaults to ${DEFAULT_COMMAND_TIMEOUT_MS} ms`, () => {
    expect(DEFAULT_COMMAND_TIMEOUT_MS).toBe(2000);
  });

  it("RedisStore: every operation", async () => {
    const store = new RedisStore(frozenRedis().redis);
    const calls: Record<string, () => Promise<unknown>> = {
      get: () => store.get("k"),
      set: () => store.set("k", { a: 1 }, 1000),
      delete: () => store.delete("k"),
      increment: () => store.increment("k", 1, 1000),
      getVersioned: () => store.getVersioned("k"),
      compareAndSet: () => store.compareAndSet("k", 1, undefined),
      lock: () => store.lock("k", 1000),
      renewLock: () => store.renewLock("k", "token", 1000),
      unlock: () => store.unlock("k", "token"),
    };
    for (const [method, call] of Object.entries(calls)) {
      await expectDeadline(`RedisStore.${method}`, call, DEFAULT_COMMAND_TIMEOUT_MS);
    }
  });

  it("RedisLedger: every operation, also through RedisStore.createLedger", async () => {
    const direct = new RedisLedger(frozenRedis().redis, { commandTimeoutMs: 500 });
    const made = new RedisStore(frozenRedis().redis, { commandTimeoutMs: 500 }).createLedger(
      DEFAULT_LIMITS,
    ) as RedisLedger;
    for (const ledger of [direct, made]) {
      const calls: Record<string, () => Promise<unknown>> = {
        open: () => ledger.open({}),
        append: () => ledger.append("s", (seq) => `{"type":"message","seq":${seq}}`),
        ack: () => ledger.ack("s", 1),
        claim: () => ledger.claim("s", "id"),
        settle: () => ledger.settle("s", "id", [1]),
        renewClaim: () => ledger.renewClaim("s", "id"),
        release: () => ledger.release("s", "id"),
        sessionsOf: () => ledger.sessionsOf("user"),
        has: () => ledger.has("s"),
        join: () => ledger.join("s", "room"),
        leave: () => ledger.leave("s", "room"),
        members: () => ledger.members("room"),
        roomsOf: () => ledger.roomsOf("s"),
      };
      for (const [method, call] of Object.entries(calls)) {
        await expectDeadline(`RedisLedger.${method}`, call, 500);
      }
    }
  });

  it("RedisBroker: publish, subscribe and unsubscribe; a failed subscribe is not remembered", async () => {
    const sub = frozenRedis();
    const broker = new RedisBroker(frozenRedis().redis, sub.redis, { commandTimeoutMs: 300 });
    const listener = () => {};
    await expectDeadline("RedisBroker.publish", () => broker.publish("c", "x"), 300);
    await expectDeadline("RedisBroker.subscribe", () => broker.subscribe("c", listener), 300);
    // The channel was not taken as subscribed: subscribing again sends SUBSCRIBE again.
    const subscribes = () => sub.sent.filter((s) => s.command === "subscribe").length;
    await expectDeadline("RedisBroker.subscribe", () => broker.subscribe("c", listener), 300);
    expect(subscribes()).toBe(2);
    // Unsubscribing the last listener of a channel (its SUBSCRIBE still unanswered).
    const pending = track(broker.subscribe("d", listener));
    await vi.advanceTimersByTimeAsync(0); // its SUBSCRIBE is sent (a ready client), unanswered
    expect(sub.sent.filter((s) => s.command === "subscribe")).toHaveLength(3);
    await expectDeadline("RedisBroker.unsubscribe", () => broker.unsubscribe("d", listener), 300);
    expect(pending.error).toBeInstanceOf(RedisTimeoutError);
  });

  it("a lock that timed out is released once Redis runs it (same token, same connection)", async () => {
    const frozen = frozenRedis();
    const store = new RedisStore(frozen.redis, { commandTimeoutMs: 100 });
    await expectDeadline("RedisStore.lock", () => store.lock("k", 1000), 100);
    const lock = frozen.sent.find((s) => s.command === "set");
    const unlock = frozen.sent.find((s) => s.command === "eval");
    expect(unlock?.args).toContain(lock?.args[1]); // the lock's token
    await vi.advanceTimersByTimeAsync(100); // the unlock times out quietly, too
  });

  it("Infinity turns the deadline off; other values are refused with the option's name", async () => {
    const store = new RedisStore(frozenRedis().redis, { commandTimeoutMs: Infinity });
    const state = track(store.get("k"));
    await vi.advanceTimersByTimeAsync(60 * 60_000);
    expect(state.settled).toBe(false);
    for (const bad of [0, -1, Number.NaN, 2 ** 31, "1000"]) {
      const options = { commandTimeoutMs: bad as number };
      expect(() => new RedisStore(frozenRedis().redis, options)).toThrow(/commandTimeoutMs/);
      expect(() => new RedisLedger(frozenRedis().redis, options)).toThrow(RangeError);
      expect(() => new RedisBroker(frozenRedis().redis, frozenRedis().redis, options)).toThrow(
        /RedisBroker: options.commandTimeoutMs/,
      );
    }
  });
});
