export {
  type AnonymousFetchRequest,
  createFetchGuard,
  type FetchGuard,
  type FetchGuardOptions,
  type FetchGuardResult,
  type FetchHandlerAuthentication,
  type FetchRouteHandler,
} from './create-fetch-guard.js'
export {
  type FetchAuthorizationServerHandler,
  fetchAuthorizationServer,
} from './fetch-authorization-server.js'
export {
  type FetchResourceMetadataHandler,
  fetchProtectedResourceMetadata,
} from './fetch-protected-resource-metadata.js'
