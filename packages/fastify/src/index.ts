/**
 * Fastify plugins: protect routes with DPoP-bound tokens, register the `@dpop/server` authorization server,
 * serve RFC 9728 resource metadata.
 *
 * @packageDocumentation
 * @module @dpop/fastify
 */
export { type AuthorizationServerPluginOptions, authorizationServer } from './authorization-server.js'
export {
  type DPoPDecorator,
  type DPoPOptions,
  type DPoPPreHandler,
  type DPoPRequest,
  type DPoPRouteOptions,
  dpop,
} from './dpop.js'
export { protectedResourceMetadata } from './protected-resource-metadata.js'
