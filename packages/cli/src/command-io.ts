import type { FetchFunction } from '@dpop/client'

/** Where a command writes, and what it reaches the outside world with: the process's own by default. */
export interface CommandIo {
  /** Receives the command's output. @default process.stdout (in the `dpop` binary) */
  stdout: {
    /** Writes a chunk of output. */
    write(chunk: string): unknown
  }
  /** Receives errors and usage messages. @default process.stderr (in the `dpop` binary) */
  stderr: {
    /** Writes a chunk of error output. */
    write(chunk: string): unknown
  }

  /** Read by `verify -`. @default process.stdin (in the `dpop` binary) */
  stdin?: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>
  /** Used by `token` and `fetch`. @default globalThis.fetch */
  fetch?: FetchFunction
  /** The clock of `proof` and `verify`, in epoch milliseconds. @default Date.now */
  now?: () => number
}
