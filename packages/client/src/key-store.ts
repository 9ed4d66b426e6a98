import type { DPoPKeyPair } from '@dpop/core'

/**
 * Where a handle keeps its key pair between runs. `createDPoPHandle({ keyStore })` loads the pair, or
 * generates one and saves it when the store is empty.
 */
export interface DPoPKeyStore {
  /** The stored pair, or `undefined` when there is none (or what is stored is unusable). */
  load(): Promise<DPoPKeyPair | undefined>
  /** Stores the pair, replacing any earlier one. */
  save(keyPair: DPoPKeyPair): Promise<void>
  /** Forgets the stored pair; succeeds when there is none. */
  delete(): Promise<void>
  /**
   * True when `save` serializes the private key outside Web Crypto and so needs it extractable. The handle
   * then generates an extractable pair, saves it, and signs with the non-extractable pair `load` returns.
   * @default false
   */
  readonly needsExtractableKey?: boolean
}
