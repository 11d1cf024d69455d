/**
 * Transport-neutral policy: what every server transport decides the same way, whatever
 * its runtime. A transport maps its runtime's socket onto the core's `Connection` and
 * calls these for the rest.
 * @module
 */

export { AddressBudget, type AddressBudgetOptions, type Rate } from "../../util/budget.js";
export { addressKey } from "../../util/ip.js";
export { AddressCounts, normalizeAddress } from "./addresses.js";
export {
  Admission,
  type AdmissionPolicy,
  DRAIN_RETRY_AFTER_MS,
  type Refusal,
  type RefusalReason,
  type UpgradeDecision,
  type Verdict,
} from "./admission.js";
export { clampReason, isValidCloseCode } from "./close-reason.js";
export { type Beating, Heartbeat } from "./heartbeat.js";
export {
  type ResolvedPolicy,
  resolvePolicy,
  type TransportPolicyOptions,
} from "./options.js";
export { type AllowedOrigins, isSameOrigin, originPolicy } from "./origins.js";
export {
  type ClientAddressFn,
  type ProxyHeader,
  proxyPolicy,
  type RequestHeaders,
  type TrustProxy,
} from "./proxy.js";
export { refusalParts } from "./refusal-response.js";
