/**
 * Express middleware: protect routes with DPoP-bound tokens, mount the `@dpop/server` authorization server,
 * serve RFC 9728 resource metadata.
 *
 * @packageDocumentation
 * @module @dpop/express
 */
export { type AuthorizationServerRouterOptions, authorizationServer } from './authorization-server.js'
export { type DPoPMiddleware, type DPoPOptions, type DPoPRequest, dpop } from './dpop.js'
export { protectedResourceMetadata } from './protected-resource-metadata.js'
