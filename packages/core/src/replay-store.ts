/**
 * Remembers which proofs were seen. `reserve` must be atomic: it resolves `true` for the first
 * reservation of `key` and `false` for every later one until `expiresAt` (epoch milliseconds).
 * A store that cannot answer must reject: verification then fails closed with 503.
 *
 * `issuedAt` is the proof's `iat` in epoch milliseconds (`verifyProof` always passes it). A store that may
 * have forgotten reservations since a proof issued then could have been accepted (a Redis restarted without
 * persistence, flushed, or replaced by a replica that missed writes) must reject it with a `DPoPError` of
 * reason `replay_store_reset` (503) rather than answer `true`: such a proof may be a replay it no longer
 * remembers (RFC 9449 §11.1).
 */
export interface ReplayStore {
  /**
   * `true` for the first reservation of `key`, `false` while an earlier one has not expired.
   * @param issuedAt the proof's `iat` in epoch milliseconds, when known
   */
  reserve(key: string, expiresAt: number, issuedAt?: number): Promise<boolean>

  /**
   * Optional, for in-process stores: the same reservation answered synchronously, which `verifyProof` then
   * uses instead of `reserve` (no promise and no extra turn of the event loop per proof). `undefined` means
   * "cannot answer synchronously": the caller then calls `reserve`. Throws where `reserve` would reject.
   */
  reserveSync?(key: string, expiresAt: number, issuedAt?: number): boolean | undefined

  /**
   * Optional, for in-process stores: `reserveSync` of verifyProof's key `<thumbprint>.<jti>`, given as its two
   * parts so that a store keeping the parts apart need not build and split a string per proof. Must answer
   * exactly as `reserveSync` of that key would, sharing its entries. `verifyProof` prefers it to `reserveSync`.
   */
  reserveProofSync?(
    thumbprint: string,
    jti: string,
    expiresAt: number,
    issuedAt?: number,
  ): boolean | undefined
}
