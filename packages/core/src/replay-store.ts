/**
 * Remembers which proofs were seen. `reserve` must be atomic: it resolves `true` for the first
 * reservation of `key` and `false` for every later one until `expiresAt` (epoch milliseconds).
 * A store that cannot answer must reject: verification then fails closed with 503.
 */
export interface ReplayStore {
  /** `true` for the first reservation of `key`, `false` while an earlier one has not expired. */
  reserve(key: string, expiresAt: number): Promise<boolean>

  /**
   * Optional, for in-process stores: the same reservation answered synchronously, which `verifyProof` then
   * uses instead of `reserve` (no promise and no extra turn of the event loop per proof). `undefined` means
   * "cannot answer synchronously": the caller then calls `reserve`. Throws where `reserve` would reject.
   */
  reserveSync?(key: string, expiresAt: number): boolean | undefined
}
