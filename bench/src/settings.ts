/** How long and how often each measurement runs; `--quick` is a smoke run whose figures mean little. */
export interface BenchSettings {
  quick: boolean
  /** Measured rounds per case; medians are reported. */
  rounds: number
  /** Minimum duration of one micro-benchmark round, in milliseconds. */
  roundMilliseconds: number
  /** Requests per HTTP round are sized to last about this long, in seconds. */
  httpRoundSeconds: number
  /** Measured HTTP rounds per variant. */
  httpRounds: number
  /** Concurrent connections of the load generator. */
  connections: number
  /** Live entries of the replay store memory measurement. */
  memoryEntries: number
  /** `maxEntries` of the store filled twice over with expiring entries. */
  steadyEntries: number
  /** Sections to run (all when empty), from `--only=a,b`. */
  only: readonly string[]
}

export function readSettings(argv: readonly string[]): BenchSettings {
  const quick = argv.includes('--quick')
  const onlyArgument = argv.find((argument) => argument.startsWith('--only='))
  const only = onlyArgument === undefined ? [] : onlyArgument.slice('--only='.length).split(',')
  return quick
    ? {
        quick,
        rounds: 3,
        roundMilliseconds: 150,
        httpRoundSeconds: 0.5,
        httpRounds: 2,
        connections: 8,
        memoryEntries: 100_000,
        steadyEntries: 20_000,
        only,
      }
    : {
        quick,
        rounds: 5,
        roundMilliseconds: 1000,
        httpRoundSeconds: 3,
        httpRounds: 5,
        connections: 8,
        memoryEntries: 1_000_000,
        steadyEntries: 1_000_000,
        only,
      }
}
