import type { FetchFunction } from '@dpop/client'

/** Where a command writes, and what it reaches the outside world with: the process's own by default. */
export interface CommandIo {
  stdout: { write(chunk: string): unknown }
  stderr: { write(chunk: string): unknown }
  /** Used by `token` and `fetch`. @default globalThis.fetch */
  fetch?: FetchFunction
  /** The clock of `proof` and `verify`, in epoch milliseconds. @default Date.now */
  now?: () => number
}
