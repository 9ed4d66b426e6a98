/**
 * A mistake in how the example was started (an environment variable, a busy port, Redis not reachable):
 * its message says what to change, and the commands print it as one line, without a stack trace.
 */
export class UserError extends Error {
  override readonly name = 'UserError'
}

/** The one line to print for `error`: the message alone for a UserError, else the message with its cause. */
export function describeStartError(error: unknown): string {
  if (error instanceof UserError) return error.message
  if (!(error instanceof Error)) return String(error)
  const cause = error.cause instanceof Error ? ` (${error.cause.message})` : ''
  return `${error.message}${cause}`
}
