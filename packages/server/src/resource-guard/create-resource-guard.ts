import type { DPoPHttpRequest } from '@dpop/core'
import type {
  AuthenticateOptions,
  OptionalAuthenticateOptions,
  ResourceAuthentication,
} from './authenticate-request.js'
import { errorToResponse, type GuardResponse } from './error-to-response.js'
import { observeAuthentication } from './observe-authentication.js'
import { resolveGuardConfig } from './resolve-guard-config.js'
import type { ResourceGuardOptions } from './resource-guard-options.js'

export type {
  AuthenticateOptions,
  OptionalAuthenticateOptions,
  ResourceAuthentication,
} from './authenticate-request.js'
export type {
  ResourceGuardOptions,
  ResourceMetadataOptions,
  TokenCacheOptions,
} from './resource-guard-options.js'

/**
 * Protects resources with DPoP-bound access tokens (RFC 9449 §7), independent of any framework: from
 * {@link createResourceGuard}; the Express, Koa and Fastify adapters wrap it.
 */
export interface ResourceGuard {
  /**
   * Authenticates a request, or throws a `DPoPError` with the resource status and `WWW-Authenticate`.
   * With `credentialsRequired: false`, resolves `undefined` for a request that presents no credentials.
   */
  authenticate(
    request: DPoPHttpRequest,
    options: OptionalAuthenticateOptions,
  ): Promise<ResourceAuthentication | undefined>
  /** Authenticates a request, or throws a `DPoPError` with the resource status and `WWW-Authenticate`. */
  authenticate(request: DPoPHttpRequest, options?: AuthenticateOptions): Promise<ResourceAuthentication>
  /** The RFC 9728 protected resource metadata document. Needs `resourceMetadata`. */
  metadata(): Record<string, unknown>
  /** Turns a `DPoPError` into a response for adapters; rethrows anything else. */
  toResponse(error: unknown): GuardResponse
}

/**
 * A framework-neutral guard for a protected resource (RFC 9449 §7): verifies the access token (JWT via
 * JWKS, introspection, or your function), requires a valid DPoP proof bound to `cnf.jkt` with a matching
 * `ath`, and answers failures with the resource challenge (`WWW-Authenticate: DPoP … algs="…"`).
 * Options are checked once here (a mistake throws `TypeError`); each request only reads the result.
 */
export function createResourceGuard(options: ResourceGuardOptions): ResourceGuard {
  const config = resolveGuardConfig(options)
  return {
    authenticate: observeAuthentication(config) as ResourceGuard['authenticate'],
    metadata() {
      if (config.metadata === undefined) {
        throw new TypeError('createResourceGuard: metadata() needs the resourceMetadata option')
      }
      return structuredClone(config.metadata.document) as Record<string, unknown>
    },
    toResponse: errorToResponse,
  }
}
