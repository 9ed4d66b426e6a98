import type { OptionalAuthenticateOptions } from '../resource-guard/authenticate-request.js'
import { createResourceGuard, type ResourceGuard } from '../resource-guard/create-resource-guard.js'
import { assertScopes } from '../resource-guard/guard-option-checks.js'
import { assertPublicUrl } from './assert-public-url.js'
import type { FrameworkAdapterOptions, FrameworkErrorHandling } from './framework-adapter-options.js'
import type { AllowedOrigins } from './resource-cors-headers.js'

/** A framework adapter's checked options, with defaults applied, and the guard built from them. */
export interface ResolvedFrameworkAdapter {
  /** The guard built from the guard options. */
  guard: ResourceGuard
  /** `publicUrl`, checked. */
  publicUrl: string | undefined
  /** `allowedOrigins`, as given. */
  allowedOrigins: AllowedOrigins | undefined
  /** `credentialsRequired`, `true` by default. */
  credentialsRequired: boolean
  /** `errors`, `'respond'` by default. */
  errors: FrameworkErrorHandling
  /**
   * The `authenticate` options of one route or hook, checked when it is made (a mistake throws `TypeError`
   * then, not on every request): its scopes, and `credentialsRequired` unless the route overrides it.
   */
  routeOptions(route?: {
    requiredScopes?: readonly string[] | undefined
    credentialsRequired?: boolean | undefined
  }): OptionalAuthenticateOptions
}

/**
 * Checks a framework adapter's options once, when the middleware or plugin is made (a mistake throws
 * `TypeError`), and builds its guard from the rest.
 */
export function resolveFrameworkAdapter(options: FrameworkAdapterOptions): ResolvedFrameworkAdapter {
  if (typeof options !== 'object' || options === null) throw new TypeError('adapter options are required')
  const {
    publicUrl,
    allowedOrigins,
    credentialsRequired = true,
    errors = 'respond',
    ...guardOptions
  } = options
  if (publicUrl !== undefined) assertPublicUrl(publicUrl)
  if (typeof credentialsRequired !== 'boolean') throw new TypeError('credentialsRequired must be a boolean')
  if (errors !== 'respond' && errors !== 'framework') {
    throw new TypeError('errors must be "respond" or "framework"')
  }
  const routeOptions: ResolvedFrameworkAdapter['routeOptions'] = (route = {}) => {
    const required = route.credentialsRequired ?? credentialsRequired
    if (typeof required !== 'boolean') throw new TypeError('credentialsRequired must be a boolean')
    return Object.freeze({
      credentialsRequired: required,
      ...(route.requiredScopes === undefined
        ? {}
        : { requiredScopes: assertScopes(route.requiredScopes, 'requiredScopes') }),
    })
  }
  return {
    guard: createResourceGuard(guardOptions),
    publicUrl,
    allowedOrigins,
    credentialsRequired,
    errors,
    routeOptions,
  }
}
