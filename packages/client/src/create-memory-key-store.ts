import type { DPoPKeyPair } from '@dpop/core'
import type { DPoPKeyStore } from './key-store.js'

/** A key store that lives as long as the process or page: for tests and short-lived tools. */
export function createMemoryKeyStore(): DPoPKeyStore {
  let stored: DPoPKeyPair | undefined
  return {
    async load() {
      return stored
    },
    async save(keyPair) {
      stored = keyPair
    },
    async delete() {
      stored = undefined
    },
  }
}
