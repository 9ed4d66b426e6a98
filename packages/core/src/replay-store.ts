/**
 * Remembers which proofs were seen. `reserve` must be atomic: it resolves `true` for the first
 * reservation of `key` and `false` for every later one until `expiresAt` (epoch milliseconds).
 * A store that cannot answer must reject: verification then fails closed with 503.
 */
export interface ReplayStore {
  reserve(key: string, expiresAt: number): Promise<boolean>
}
