/**
 * Where the authorization server and the guards report what an operator must see: a store that fails,
 * signing keys loaded or generated, a configuration that works but should not go to production. pino,
 * bunyan, winston's child loggers and `console` fit: each method receives an object of fields, then a message.
 */
export interface DPoPLogger {
  /** Worth knowing: the signing keys loaded, which one signs. */
  info(fields: Record<string, unknown>, message: string): void
  /** Works, but not as it should in production: a generated signing key, state kept in memory only. */
  warn(fields: Record<string, unknown>, message: string): void
  /** Requests are failing: a store or a key set cannot be reached (`fields.err` holds the cause). */
  error(fields: Record<string, unknown>, message: string): void
}

const ignore = (): void => {}

/** The default: says nothing. */
export const SILENT_LOGGER: DPoPLogger = Object.freeze({ info: ignore, warn: ignore, error: ignore })

/** The `logger` option checked (a caller mistake is a `TypeError` from `fail`), or the silent default. */
export function resolveLogger(logger: unknown, fail: (message: string) => never): DPoPLogger {
  if (logger === undefined) return SILENT_LOGGER
  const candidate = logger as Partial<DPoPLogger> | null
  if (
    typeof candidate?.info !== 'function' ||
    typeof candidate.warn !== 'function' ||
    typeof candidate.error !== 'function'
  ) {
    fail('logger must have info, warn and error methods (pino-compatible)')
  }
  const target = logger as DPoPLogger
  // Called as methods, so loggers that need their `this` (pino does) keep it; a logger that throws must
  // not change the answer of the request that logged.
  const safely =
    (level: keyof DPoPLogger) =>
    (fields: Record<string, unknown>, message: string): void => {
      try {
        target[level](fields, message)
      } catch {}
    }
  return Object.freeze({ info: safely('info'), warn: safely('warn'), error: safely('error') })
}
