/**
 * DPoP (RFC 9449) for clients: non-extractable keys, a fetch that adds proofs and follows server nonces and
 * clocks, every OAuth grant with DPoP-bound tokens, and a token manager. Runs in browsers and Node.
 *
 * @packageDocumentation
 * @module @dpop/client
 */
export type { AuthorizationServerMetadata } from './authorization-server-metadata.js'
export type { ClientAuthenticationMethod } from './client-authentication.js'
export { createDPoPFetch, type DPoPFetchOptions, type FetchFunction } from './create-dpop-fetch.js'
export {
  createDPoPHandle,
  type DPoPHandle,
  type DPoPHandleOptions,
  type ProofRequest,
} from './create-dpop-handle.js'
export {
  createIndexedDBKeyStore,
  type IndexedDBFactory,
  type IndexedDBKeyStoreOptions,
} from './create-indexeddb-key-store.js'
export { createMemoryKeyStore } from './create-memory-key-store.js'
export {
  type AuthorizationCodeExchange,
  type AuthorizationRequest,
  type AuthorizationRequestOptions,
  createOAuthClient,
  type OAuthClient,
  type OAuthClientOptions,
  type TokenRequestOptions,
} from './create-oauth-client.js'
export { createTokenManager, type TokenManager, type TokenManagerOptions } from './create-token-manager.js'
export {
  type DiscoverAuthorizationServerOptions,
  discoverAuthorizationServer,
} from './discover-authorization-server.js'
export type { DPoPKeyStore } from './key-store.js'
export { isOAuthError, OAuthError, type OAuthErrorOptions } from './oauth-error.js'
export type { TokenSet } from './token-set.js'
