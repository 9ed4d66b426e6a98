export { createDPoPFetch, type DPoPFetchOptions, type FetchFunction } from './create-dpop-fetch.js'
export {
  createDPoPHandle,
  type DPoPHandle,
  type DPoPHandleOptions,
  type ProofRequest,
} from './create-dpop-handle.js'
export { createIndexedDBKeyStore, type IndexedDBKeyStoreOptions } from './create-indexeddb-key-store.js'
export { createMemoryKeyStore } from './create-memory-key-store.js'
export type { DPoPKeyStore } from './key-store.js'
