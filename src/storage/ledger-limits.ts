/**
 * The limits a ledger keeps: outbox size and age, dedup window, session lifetime. The bot's
 * `Limits` extend these; a ledger gets them from `createLedger(limits)`.
 * @module
 */

/** Bounds on the protocol state a ledger keeps per session and in all. */
export interface LedgerLimits {
  /**
   * Bot messages kept per session for replay until acknowledged.
   * @default 1000
   */
  outboxMessages: number;
  /**
   * Bytes of bot messages kept per session for replay until acknowledged.
   * @default 1048576 (1 MiB)
   */
  outboxBytes: number;
  /**
   * How long an unacknowledged bot message is kept for replay.
   * @default 86400000 (24 h)
   */
  outboxAgeMs: number;
  /**
   * Bytes of outbox all sessions of the in-memory ledger may hold together; beyond it the
   * least recently used sessions are forgotten (their clients get a fresh session).
   * @default 268435456 (256 MiB)
   */
  ledgerBytes: number;
  /**
   * Client message ids remembered per session for deduplication.
   * @default 1000
   */
  dedupWindow: number;
  /**
   * How long an idle protocol session can still be resumed.
   * @default 86400000 (24 h)
   */
  sessionTtlMs: number;
}
