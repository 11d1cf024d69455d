/**
 * `botwire/testing`: test a bot with no network.
 *
 * @example
 * ```ts
 * import { createTestClient } from "botwire/testing";
 * const client = createTestClient(bot);
 * const replies = await client.send("/start");
 * ```
 * @module botwire/testing
 */

export { type BrokerSuiteOptions, runBrokerSuite } from "../storage/broker-suite.js";
export { type LedgerSuiteOptions, runLedgerSuite } from "../storage/ledger-suite.js";
export { runStoreSuite, type StoreSuiteOptions } from "../storage/store-suite.js";
export {
  type MemoryConnection,
  type MemoryPeer,
  MemoryTransport,
  type MemoryTransportOptions,
} from "../transports/memory/transport.js";
export {
  type CloseInfo,
  createTestClient,
  type ServerMessage,
  type TestClient,
  type TestClientOptions,
} from "./test-client.js";
export type {
  RunningTransport,
  SuiteSocket,
  TransportCaseName,
  TransportFixture,
  TransportSettings,
} from "./transport-fixture.js";
export { runTransportSuite, type TransportSuiteOptions } from "./transport-suite.js";
