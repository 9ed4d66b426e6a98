import { createNonceSource, type NonceRequirement, type NonceSource } from '@dpop/core'
import { fail } from './guard-option-checks.js'
import type { ResourceGuardOptions } from './resource-guard-options.js'

/** The guard's nonce requirement; `server` is left out when it is the origin of each request. */
export interface ResolvedGuardNonce {
  readonly requirement: NonceRequirement
  /** True when no resource identifier is configured: the nonce is bound to the request's origin. */
  readonly perOrigin: boolean
}

/** The role folded into every nonce a resource server issues, before its identity (RFC 9449 §9). */
export function resourceNonceServer(identity: string): string {
  return `resource ${identity}`
}

function isNonceSource(value: unknown): value is NonceSource {
  const source = value as NonceSource | undefined
  return typeof source?.issue === 'function' && typeof source.verify === 'function'
}

/** The resource's identity: its RFC 9728 identifier, else the audience its tokens must name. */
function identityOf(options: ResourceGuardOptions): string | undefined {
  if (typeof options.resourceMetadata?.resource === 'string') return options.resourceMetadata.resource
  const { audience } = options
  if (typeof audience === 'string') return audience
  if (Array.isArray(audience) && audience.length > 0) return [...audience].sort().join(' ')
  return undefined
}

/**
 * Resolves the `nonce` switch (`'off'`, `'always'`, a policy, or a `NonceRequirement`) and `nonceSource`.
 * Without a source the guard makes its own with a random secret: fine for one instance; several instances
 * of one resource server share a source (or its secrets) so they accept each other's nonces.
 */
export function resolveGuardNonce(
  options: ResourceGuardOptions,
  now: () => number,
): ResolvedGuardNonce | undefined {
  const { nonce, nonceSource } = options
  if (nonceSource !== undefined && !isNonceSource(nonceSource)) {
    fail('nonceSource', 'must be a NonceSource (createNonceSource from @dpop/core)')
  }
  if (nonce === undefined || nonce === 'off') return undefined
  let requirement: NonceRequirement
  if (nonce === 'always' || typeof nonce === 'function') {
    const source =
      nonceSource ??
      createNonceSource({ secrets: [{ id: 'rs', secret: crypto.getRandomValues(new Uint8Array(32)) }], now })
    requirement = { source, required: nonce === 'always' ? true : nonce }
  } else if (typeof nonce === 'object' && nonce !== null) {
    if (!isNonceSource(nonce.source)) {
      fail('nonce.source', 'must be a NonceSource (createNonceSource from @dpop/core)')
    }
    if (nonceSource !== undefined) fail('nonceSource', 'cannot be combined with nonce.source')
    const { required } = nonce
    if (required !== undefined && typeof required !== 'boolean' && typeof required !== 'function') {
      fail('nonce.required', 'must be a boolean or a function of the request')
    }
    if (nonce.server !== undefined && typeof nonce.server !== 'string')
      fail('nonce.server', 'must be a string')
    requirement = nonce
  } else {
    fail('nonce', "must be 'off', 'always', a function (request) => boolean, or { source, required }")
  }
  if (requirement.server !== undefined) return { requirement: Object.freeze(requirement), perOrigin: false }
  const identity = identityOf(options)
  return identity === undefined
    ? { requirement: Object.freeze({ ...requirement }), perOrigin: true }
    : {
        requirement: Object.freeze({ ...requirement, server: resourceNonceServer(identity) }),
        perOrigin: false,
      }
}
