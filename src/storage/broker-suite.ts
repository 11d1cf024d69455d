/**
 * The broker conformance suite: what every {@link Broker} must do so that `sendTo`,
 * `broadcast` and resume work across nodes. Runner-agnostic, like the store suite.
 * @module
 */
import { randomId } from "../util/id.js";
import type { MaybePromise } from "../util/types.js";
import type { Broker, BrokerListener } from "./broker.js";
import { suiteAssert } from "./suite-assert.js";

const { same, ok, eventually } = suiteAssert("broker suite");

/** Options of {@link runBrokerSuite}. */
export interface BrokerSuiteOptions<B extends Broker> {
  /**
   * Creates two brokers that stand for two nodes of one bot: what one publishes, both
   * deliver (e.g. two `RedisBroker`s on the same Redis). Called once per test.
   */
  createNodes: () => MaybePromise<readonly [B, B]>;
  /** Called after each test with the brokers it used (close connections). */
  destroy?: (nodes: readonly [B, B]) => MaybePromise<void>;
  /** The runner's `describe` (groups tests). */
  describe: (name: string, body: () => void) => unknown;
  /** The runner's `it`/`test` (one async test). */
  it: (name: string, body: () => Promise<void>) => unknown;
  /**
   * The suite's name, shown by the runner.
   * @default "broker conformance"
   */
  name?: string;
}

/** A listener that records what it got. */
function recorder(): BrokerListener & { got: string[] } {
  const got: string[] = [];
  return Object.assign((payload: string) => void got.push(payload), { got });
}

const channel = (name: string) => `suite:${randomId(6)}:${name}`;

const cases = {
  "delivers to subscribers on every node, this one included": async ([a, b]: readonly [
    Broker,
    Broker,
  ]) => {
    const ch = channel("both");
    const here = recorder();
    const there = recorder();
    await a.subscribe(ch, here);
    await b.subscribe(ch, there);
    await a.publish(ch, "hello");
    await eventually(async () => here.got.length === 1 && there.got.length === 1, "delivery");
    same([here.got, there.got], [["hello"], ["hello"]], "payloads");
  },

  "keeps the order of one publisher on one channel, payloads unchanged": async ([a, b]) => {
    const ch = channel("order");
    const listener = recorder();
    await b.subscribe(ch, listener);
    const sent = Array.from({ length: 20 }, (_, i) => JSON.stringify({ i, text: "ünï ✓ \n" }));
    for (const payload of sent) await a.publish(ch, payload);
    await eventually(async () => listener.got.length === sent.length, "all payloads");
    same(listener.got, sent, "payloads in order");
  },

  "keeps channels apart": async ([a, b]) => {
    const one = channel("one");
    const two = channel("two");
    const onOne = recorder();
    const onTwo = recorder();
    await b.subscribe(one, onOne);
    await b.subscribe(two, onTwo);
    await a.publish(two, "for two");
    await a.publish(one, "for one");
    await eventually(async () => onOne.got.length === 1 && onTwo.got.length === 1, "delivery");
    same([onOne.got, onTwo.got], [["for one"], ["for two"]], "payloads per channel");
  },

  "unsubscribe stops that listener only": async ([a, b]) => {
    const ch = channel("unsub");
    const leaving = recorder();
    const staying = recorder();
    await b.subscribe(ch, leaving);
    await b.subscribe(ch, staying);
    await b.unsubscribe(ch, leaving);
    await a.publish(ch, "after");
    await eventually(async () => staying.got.length === 1, "delivery to the listener that stayed");
    // Same channel, same publisher: had it been delivered to `leaving`, it would be there by now.
    same(leaving.got, [], "payloads to the listener that left");
    await b.unsubscribe(ch, staying);
    await b.unsubscribe(ch, staying); // twice is not an error
  },

  "a channel nobody listens to swallows what is published": async ([a]) => {
    await a.publish(channel("nobody"), "into the void");
    ok(true, "publish without subscribers");
  },
} satisfies Record<string, (nodes: readonly [Broker, Broker]) => Promise<void>>;

/**
 * Registers the conformance tests every broker must pass: delivery to every node, order
 * per publisher and channel, channels kept apart, unsubscribe per listener.
 *
 * @param options - see {@link BrokerSuiteOptions}
 * @example
 * ```ts
 * import { describe, it } from "vitest";
 * import { runBrokerSuite } from "botwire/testing";
 *
 * const bus = new MyBus();
 * runBrokerSuite({ createNodes: () => [new MyBroker(bus), new MyBroker(bus)], describe, it });
 * ```
 */
export function runBrokerSuite<B extends Broker>(options: BrokerSuiteOptions<B>): void {
  const { createNodes, destroy, describe, it } = options;
  if (typeof createNodes !== "function") {
    throw new TypeError("runBrokerSuite: createNodes must be a function");
  }
  if (typeof describe !== "function" || typeof it !== "function") {
    throw new TypeError("runBrokerSuite: pass your test runner's describe and it");
  }
  describe(options.name ?? "broker conformance", () => {
    for (const [title, body] of Object.entries(cases)) {
      it(title, async () => {
        const nodes = await createNodes();
        try {
          await body(nodes);
        } finally {
          await destroy?.(nodes);
        }
      });
    }
  });
}
