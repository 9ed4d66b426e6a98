export * from '../http/index.js'
export type { AccessTokenClaims, AccessTokenVerifier } from './access-token-claims.js'
export type { IntrospectionOptions } from './create-introspection-verifier.js'
export {
  type AuthenticateOptions,
  createResourceGuard,
  type OptionalAuthenticateOptions,
  type ResourceAuthentication,
  type ResourceGuard,
  type ResourceGuardOptions,
  type ResourceMetadataOptions,
  type TokenCacheOptions,
} from './create-resource-guard.js'
export { errorToResponse, type GuardResponse } from './error-to-response.js'
export type { RemoteKeySetOptions } from './remote-key-set-options.js'
export { resourceMetadataUrl } from './resource-metadata-url.js'
