/**
 * A command that ran but did not succeed (a server refused, a request failed): `run` prints the message
 * and exits with code 1. `details` go into the `--json` error object.
 */
export class CommandFailure extends Error {
  override readonly name = 'CommandFailure'
  readonly code: string
  readonly details: Record<string, unknown>

  constructor(code: string, message: string, details: Record<string, unknown> = {}) {
    super(message)
    this.code = code
    this.details = details
  }
}
