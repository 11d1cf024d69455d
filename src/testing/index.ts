/**
 * `botwire/testing`: test a bot with no network.
 *
 * @example
 * ```ts
 * import { createTestClient } from "botwire/testing";
 * const client = createTestClient(bot);
 * const replies = await client.send("/start");
 * ```
 * @module
 */

export { runStoreSuite, type StoreSuiteOptions } from "../session/store-suite.js";
export { type MemoryConnection, type MemoryPeer, MemoryTransport } from "./memory-transport.js";
export {
  type CloseInfo,
  createTestClient,
  type ServerMessage,
  type TestClient,
  type TestClientOptions,
} from "./test-client.js";
