export type { CommandIo } from './command-io.js'
export { EXIT_FAILURE, EXIT_SUCCESS, EXIT_USAGE, run } from './run.js'
