export { assertPublicUrl } from './assert-public-url.js'
export { createNeutralRequest, type NeutralHeaders } from './create-neutral-request.js'
export type { FrameworkAdapterOptions, FrameworkErrorHandling } from './framework-adapter-options.js'
export { frameworkError } from './framework-error.js'
export {
  type GuardContinue,
  type GuardFail,
  type GuardOutcome,
  type GuardRespond,
  guardResourceRequest,
  type ResourceRequestGuard,
} from './guard-resource-request.js'
export {
  type ResolvedFrameworkAdapter,
  resolveFrameworkAdapter,
} from './resolve-framework-adapter.js'
export { type ResolveRequestUrlInput, resolveRequestUrl } from './resolve-request-url.js'
export type { ResourceAdapterOptions } from './resource-adapter-options.js'
export { type ResourceCors, resourceCors } from './resource-cors.js'
export {
  type AllowedOrigins,
  type ResourceCorsOptions,
  resourceCorsHeaders,
} from './resource-cors-headers.js'
