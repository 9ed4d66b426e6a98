export { type AuthorizationServerPluginOptions, authorizationServer } from './authorization-server.js'
export { type DPoPDecorator, type DPoPOptions, type DPoPPreHandler, dpop } from './dpop.js'
export { protectedResourceMetadata } from './protected-resource-metadata.js'
