/** A logger with the usual four levels; pass `console` or pino/winston. Any level may be left out. */
export interface Logger {
  /** Verbose diagnostics. */
  debug?(message: string, details?: Record<string, unknown>): void;
  /** Lifecycle notes (started, stopped). */
  info?(message: string, details?: Record<string, unknown>): void;
  /** Recoverable problems: bad frames, refused connections. */
  warn?(message: string, details?: Record<string, unknown>): void;
  /** Handler errors and internal failures. */
  error?(message: string, details?: Record<string, unknown>): void;
}

/** The default logger: silent. */
export const silentLogger: Logger = {};
