export type {
  AuthorizationServerConfig,
  ClientConfig,
  DPoPConfig,
  EndpointPaths,
  NoncePolicy,
  SigningKeyInput,
} from './config.js'
export { createAuthorizationServer } from './create-authorization-server.js'
export { createMemoryStorage, type MemoryStorageOptions } from './memory-storage.js'
export type {
  AccessTokenRecord,
  AuthorizationRequestRecord,
  ClientRecord,
  CodeRecord,
  CodeRedemptionRecord,
  GrantType,
  InteractionRecord,
  PushedRequestRecord,
  RefreshTokenLookup,
  RefreshTokenRecord,
  RefreshTokenRotation,
  Storage,
  TokenBinding,
  TokenEndpointAuthMethod,
} from './storage.js'
export type {
  AuthorizationServer,
  AuthorizationServerRequest,
  AuthorizationServerResponse,
  AuthorizationServerRoute,
  InteractionContext,
  InteractionHook,
  InteractionResult,
} from './types.js'
