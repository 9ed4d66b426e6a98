/**
 * Cache and timeout settings of a remote JSON Web Key Set (the options of `jose`'s `createRemoteJWKSet`).
 * Symbol-keyed `jose` options such as `[customFetch]` are passed through as they are.
 */
export interface RemoteKeySetOptions {
  /** Milliseconds before a fetch of the key set is aborted. @default 5000 */
  timeoutDuration?: number
  /** Milliseconds after a fetch during which an unknown `kid` does not cause another fetch. @default 30000 */
  cooldownDuration?: number
  /** Milliseconds a fetched key set is used before it is fetched again. @default 600000 */
  cacheMaxAge?: number
  /** Headers sent with the request for the key set. */
  headers?: Record<string, string>
  /** `jose` options keyed by symbol (`customFetch`, `jwksCache`). */
  [option: symbol]: unknown
}
