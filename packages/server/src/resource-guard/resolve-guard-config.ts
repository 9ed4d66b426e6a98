import {
  assertAlgorithms,
  type ChallengeOptions,
  createMemoryReplayStore,
  DEFAULT_ALGORITHMS,
  type VerifyProofOptions,
} from '@dpop/core'
import { observeReplayStore } from '../observability/observe-replay-store.js'
import { type Observer, resolveObserver } from '../observability/observer.js'
import { assertScopes, assertSeconds, fail } from './guard-option-checks.js'
import { resolveGuardNonce } from './resolve-guard-nonce.js'
import { type ResolvedResourceMetadata, resolveResourceMetadata } from './resolve-resource-metadata.js'
import { type ClaimsLookup, resolveTokenVerifier } from './resolve-token-verifier.js'
import type { ResourceGuardOptions } from './resource-guard-options.js'

/** Proof options that are the same for every request: all of them but the token, its hash and its key. */
export type GuardProofOptions = Readonly<
  Omit<VerifyProofOptions, 'accessToken' | 'accessTokenHash' | 'expectedThumbprint'>
>

/** Guard options checked once at construction, with defaults applied; the request path only reads it. */
export interface ResolvedGuardConfig {
  readonly now: () => number
  readonly allowBearer: boolean
  readonly requiredScopes: readonly string[]
  /** The challenge parameters every error carries (`algs`, `realm`, `resource_metadata`, Bearer). */
  readonly challenge: ChallengeOptions
  readonly proofOptions: GuardProofOptions
  readonly getClaims: ClaimsLookup
  readonly metadata: ResolvedResourceMetadata | undefined
  /** No resource identifier is configured: bind `proofOptions.nonce` to each request's origin. */
  readonly nonceBoundToOrigin: boolean
  /** The `onEvent` hook and `logger`; `undefined` when neither is configured (the request path then reports nothing). */
  readonly observer: Observer | undefined
}

/** Validates `createResourceGuard` options (a caller mistake is a `TypeError`) and resolves their defaults. */
export function resolveGuardConfig(options: ResourceGuardOptions): ResolvedGuardConfig {
  if (typeof options !== 'object' || options === null) fail('options', 'are required')
  const now = options.now ?? Date.now
  if (typeof now !== 'function') fail('now', 'must be a function returning epoch milliseconds')
  const getClaims = resolveTokenVerifier(options, now)
  const algorithms =
    options.algorithms === undefined ? DEFAULT_ALGORITHMS : assertAlgorithms(options.algorithms)
  if (options.maxAge !== undefined) assertSeconds(options.maxAge, 'maxAge', true)
  if (options.clockTolerance !== undefined) assertSeconds(options.clockTolerance, 'clockTolerance', false)
  const requiredScopes =
    options.requiredScopes === undefined ? [] : assertScopes(options.requiredScopes, 'requiredScopes')
  const allowBearer = options.allowBearer ?? false
  if (typeof allowBearer !== 'boolean') fail('allowBearer', 'must be a boolean')
  if (options.realm !== undefined && typeof options.realm !== 'string') fail('realm', 'must be a string')
  const observer = resolveObserver(options.onEvent, options.logger, (message) => {
    throw new TypeError(`createResourceGuard: ${message}`)
  })
  const configuredStore = options.replayStore ?? createMemoryReplayStore({ now })
  if (typeof configuredStore?.reserve !== 'function') fail('replayStore', 'must have reserve(key, expiresAt)')
  if (options.replayStore === undefined) {
    observer?.logger.warn(
      { replayStore: true },
      'DPoP resource guard keeps proof jtis in memory: replays across instances go unseen (configure replayStore)',
    )
  }
  const emit = observer?.emit
  const replayStore =
    emit === undefined ? configuredStore : observeReplayStore(configuredStore, emit, 'resource-guard')
  const nonce = resolveGuardNonce(options, now)
  const metadata =
    options.resourceMetadata === undefined
      ? undefined
      : resolveResourceMetadata(options.resourceMetadata, algorithms, allowBearer)

  const challenge: ChallengeOptions = Object.freeze({
    algs: algorithms,
    ...(options.realm === undefined ? {} : { realm: options.realm }),
    ...(metadata === undefined ? {} : { resourceMetadata: metadata.documentUrl }),
    ...(allowBearer ? { bearer: true } : {}),
  })
  const proofOptions: GuardProofOptions = Object.freeze({
    context: 'resource',
    challenge,
    algorithms,
    replayStore,
    now,
    ...(options.maxAge === undefined ? {} : { maxAge: options.maxAge }),
    ...(options.clockTolerance === undefined ? {} : { clockTolerance: options.clockTolerance }),
    ...(nonce === undefined ? {} : { nonce: nonce.requirement }),
  })
  return {
    now,
    allowBearer,
    requiredScopes,
    challenge,
    proofOptions,
    getClaims,
    metadata,
    nonceBoundToOrigin: nonce?.perOrigin ?? false,
    observer,
  }
}
