/**
 * Bad input from the person at the terminal: an unknown command or option, a missing or malformed value,
 * an unreadable key file. `run` prints the message (never a stack trace) and exits with code 2.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError'
}
