/**
 * For writing stores, ledgers and brokers: the contracts the core relies on, their type
 * guards, and the in-memory implementations (the defaults of a single process). Check your
 * implementation with the conformance suites of `botwire/testing` (`runStoreSuite`,
 * `runLedgerSuite`, `runBrokerSuite`).
 *
 * @example
 * ```ts
 * import type { Store } from "botwire/storage";
 *
 * // A store on any key-value service: three methods are the whole contract.
 * class KvStore implements Store {
 *   constructor(private readonly kv: KvNamespace) {}
 *   async get(key: string) {
 *     const raw = await this.kv.get(key);
 *     return raw === null ? undefined : JSON.parse(raw);
 *   }
 *   async set(key: string, value: unknown, ttlMs?: number) {
 *     const options = ttlMs === undefined ? {} : { expirationTtl: Math.ceil(ttlMs / 1000) };
 *     await this.kv.put(key, JSON.stringify(value), options);
 *   }
 *   async delete(key: string) {
 *     await this.kv.delete(key);
 *   }
 * }
 * ```
 * @module botwire/storage
 */
// biome-ignore-all assist/source/organizeImports: the exports are grouped by topic, not sorted

// Stores: sessions, the FAQ cache and rate limits
export {
  type AtomicStore,
  type Counter,
  isAtomicStore,
  isSessionStore,
  type SessionStore,
  type Store,
  type LockedRead,
  type Versioned,
} from "./store.js";
export { MemoryStore, type MemoryStoreOptions } from "./memory-store.js";

// Ledgers: protocol state (session ids, outbox, dedup ids, rooms)
export {
  type Claim,
  isLedgerFactory,
  type Ledger,
  type LedgerFactory,
  type OpenResult,
  type OutboxEntry,
} from "./ledger.js";
export type { LedgerLimits } from "./ledger-limits.js";
export { MemoryLedger } from "./memory-ledger.js";
export { SessionLostError } from "./errors.js";

// Brokers: fan-out between the nodes of one bot
export { type Broker, type BrokerListener, MemoryBroker } from "./broker.js";
