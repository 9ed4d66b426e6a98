export { type AuthorizationServerMiddlewareOptions, authorizationServer } from './authorization-server.js'
export { type DPoPMiddleware, type DPoPOptions, dpop } from './dpop.js'
export { protectedResourceMetadata } from './protected-resource-metadata.js'
