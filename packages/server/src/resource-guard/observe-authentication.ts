import { type DPoPHttpRequest, isDPoPError } from '@dpop/core'
import { clock } from '../observability/observer.js'
import {
  type AuthenticateOptions,
  authenticateRequest,
  type ResourceAuthentication,
} from './authenticate-request.js'
import { clientIdOf } from './client-id-of.js'
import type { ResolvedGuardConfig } from './resolve-guard-config.js'

type Authenticate = (
  request: DPoPHttpRequest,
  options?: AuthenticateOptions & { credentialsRequired?: boolean },
) => Promise<ResourceAuthentication | undefined>

// Failures of what the guard depends on to verify tokens: an operator must hear of them.
const DEPENDENCY_REASONS = new Set(['jwks_unavailable', 'introspection_unreachable', 'introspection_failed'])

/**
 * The guard's `authenticate`: the request path itself when nothing listens; with an observer, also a
 * `guard.authenticate` event per call and a log line when the key set or introspection fails.
 */
export function observeAuthentication(config: ResolvedGuardConfig): Authenticate {
  const { observer } = config
  if (observer === undefined) return (request, options) => authenticateRequest(config, request, options)
  const { emit, logger } = observer
  return async (request, options) => {
    const started = emit === undefined ? 0 : clock()
    try {
      const result = await authenticateRequest(config, request, options)
      if (emit !== undefined) {
        // An anonymous request (credentialsRequired: false) has no scheme, client or key to report.
        const clientId = result === undefined ? undefined : clientIdOf(result.claims)
        emit({
          type: 'guard.authenticate',
          source: 'resource-guard',
          method: request.method,
          status: 200,
          ...(result === undefined ? {} : { scheme: result.scheme }),
          ...(clientId === undefined ? {} : { clientId }),
          ...(result?.thumbprint === undefined ? {} : { thumbprint: result.thumbprint }),
          durationMs: clock() - started,
        })
      }
      return result
    } catch (error) {
      const known = isDPoPError(error) ? error : undefined
      if (known !== undefined && DEPENDENCY_REASONS.has(known.reason)) {
        logger.error(
          { source: 'resource-guard', reason: known.reason, err: known.cause },
          'DPoP resource guard cannot verify access tokens',
        )
      }
      emit?.({
        type: 'guard.authenticate',
        source: 'resource-guard',
        method: request.method,
        status: known?.status ?? 500,
        ...(known === undefined ? {} : { error: known.code, reason: known.reason }),
        durationMs: clock() - started,
      })
      throw error
    }
  }
}
