import { createResourceGuard, type ResourceGuard } from '../resource-guard/create-resource-guard.js'
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
  return { guard: createResourceGuard(guardOptions), publicUrl, allowedOrigins, credentialsRequired, errors }
}
