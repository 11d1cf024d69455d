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
   * Size of the bot messages kept per session for replay until acknowledged, counted in
   * UTF-16 code units of their frames (about bytes for ASCII text). The in-memory ledger
   * applies it; `RedisLedger` bounds an outbox by `outboxMessages` and the session's TTL.
   * @default 1048576 (1 MiB)
   */
  outboxBytes: number;
  /**
   * How long an unacknowledged bot message is kept for replay (the in-memory ledger;
   * `RedisLedger` keeps it as long as the session).
   * @default 86400000 (24 h)
   */
  outboxAgeMs: number;
  /**
   * Outbox size (in UTF-16 code units) all sessions of the in-memory ledger may hold
   * together; beyond it the least recently used sessions are forgotten (their clients get a
   * fresh session).
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
