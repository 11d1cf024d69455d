/**
 * Transport-neutral policy: what every server transport decides the same way, whatever
 * its runtime. A transport maps its runtime's socket onto the core's `Connection` and
 * calls these for the rest.
 * @module
 */

export { AddressCounts, normalizeAddress } from "./addresses.js";
export {
  Admission,
  type AdmissionPolicy,
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
export { type AllowedOrigins, originPolicy } from "./origins.js";
