import type { FetchFunction } from '@dpop/client'

/** Where a command writes, and what it reaches the outside world with: the process's own by default. */
export interface CommandIo {
  stdout: { write(chunk: string): unknown }
  stderr: { write(chunk: string): unknown }
  /** Read by `verify -`. @default process.stdin (in the `dpop` binary) */
  stdin?: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>
  /** Used by `token` and `fetch`. @default globalThis.fetch */
  fetch?: FetchFunction
  /** The clock of `proof` and `verify`, in epoch milliseconds. @default Date.now */
  now?: () => number
}
