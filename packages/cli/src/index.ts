/**
 * The `dpop` command as a function, for running it from your own scripts and tests: `run(argv, io)`.
 *
 * @packageDocumentation
 * @module @dpop/cli
 */
export type { CommandIo } from './command-io.js'
export { EXIT_FAILURE, EXIT_SUCCESS, EXIT_USAGE, run } from './run.js'
