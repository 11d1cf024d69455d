/**
 * Logging: the {@link Logger} shape, the default that prints warnings and errors, and the
 * wrapper that keeps a failing logger from breaking the code that logs.
 * @module
 */

/** A logger with the usual four levels; pass `console` or pino/winston. Any level may be left out. */
export interface Logger {
  /** Verbose diagnostics: refused requests, bad frames, protocol errors of clients. */
  debug?(message: string, details?: Record<string, unknown>): void;
  /** Informational notes (botwire itself writes none today; the level is yours to use). */
  info?(message: string, details?: Record<string, unknown>): void;
  /** Recoverable problems: a broker or ledger call that failed, a misconfiguration. */
  warn?(message: string, details?: Record<string, unknown>): void;
  /** Handler errors and internal failures. */
  error?(message: string, details?: Record<string, unknown>): void;
}

/** A logger that drops everything (`new Bot({ logger: false })` uses it). */
export const silentLogger: Logger = {};

type Level = keyof Logger;
type LogFn = (message: string, details?: Record<string, unknown>) => void;

/** The runtime's console, looked up when used: the core does not assume one exists. */
function consoleMethod(level: "warn" | "error"): LogFn | undefined {
  const console = (globalThis as { console?: Partial<Record<Level, LogFn>> }).console;
  return console?.[level];
}

function toConsole(level: "warn" | "error"): LogFn {
  return (message, details) => {
    const print = consoleMethod(level);
    if (details === undefined) print?.(`[botwire] ${message}`);
    else print?.(`[botwire] ${message}`, details);
  };
}

/**
 * The default logger: warnings to `console.warn`, errors to `console.error` (stderr in
 * Node), each with its details — a failing handler's error and where it happened. Debug and
 * info are dropped. Replace it with your own logger, or silence it with `logger: false`.
 */
export const consoleLogger: Logger = { warn: toConsole("warn"), error: toConsole("error") };

function ignore(): void {}

/**
 * Wraps `logger` so that calling it never throws and never leaves a rejected promise: logs
 * are written from socket callbacks and `catch` blocks, where a logger's own failure (a
 * closed file, a full disk, a bug) would otherwise crash the process or hide the first error.
 */
export function safeLogger(logger: Logger): Logger {
  const safe: Logger = {};
  for (const level of ["debug", "info", "warn", "error"] as const) {
    let method: unknown;
    try {
      method = logger[level];
    } catch {
      continue;
    }
    if (typeof method !== "function") continue;
    const log = method as LogFn;
    safe[level] = (message, details) => {
      try {
        // Called on the logger: pino, winston and console methods may rely on `this`.
        const result: unknown = log.call(logger, message, details);
        if (typeof (result as { then?: unknown } | null)?.then === "function") {
          (result as Promise<unknown>).then(undefined, ignore);
        }
      } catch {
        // A logger that fails cannot be told so; the code that logged goes on.
      }
    };
  }
  return safe;
}

/**
 * The `logger` option as the bot uses it: the default console logger when left out, silent
 * for `false`, and always wrapped by {@link safeLogger}.
 * @param option - the user's `logger` option
 * @param where - the call that received it, for the error message
 */
export function resolveLogger(option: Logger | false | undefined, where: string): Logger {
  if (option === false) return silentLogger;
  if (option === undefined) return safeLogger(consoleLogger);
  if (typeof option !== "object" || option === null) {
    throw new TypeError(`${where}: logger must be an object with debug/info/warn/error, or false`);
  }
  return safeLogger(option);
}
