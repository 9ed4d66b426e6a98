/**
 * DPoP (RFC 9449) building blocks: creating and verifying proofs, JWK thumbprints (RFC 7638), access token
 * hashes, stateless server nonces, replay stores and one error model. Web Crypto and `jose` only: runs in
 * Node, browsers, Deno, Bun and workers.
 *
 * @packageDocumentation
 * @module @dpop/core
 */
export {
  assertAlgorithms,
  DEFAULT_ALGORITHMS,
  type DPoPAlgorithm,
  isSupportedAlgorithm,
  keyFitsAlgorithm,
  MAX_RSA_MODULUS_BITS,
  MIN_RSA_MODULUS_BITS,
  SUPPORTED_ALGORITHMS,
} from './algorithms.js'
export { calculateAccessTokenHash } from './calculate-access-token-hash.js'
export { calculateJwkThumbprint } from './calculate-jwk-thumbprint.js'
export {
  createMemoryReplayStore,
  type MemoryReplayStore,
  type MemoryReplayStoreOptions,
} from './create-memory-replay-store.js'
export {
  createNonceSource,
  type NonceSecret,
  type NonceSource,
  type NonceSourceOptions,
  type NonceVerification,
} from './create-nonce-source.js'
export { type CreateProofOptions, createProof, type DPoPKeyPair } from './create-proof.js'
export { DPoPError, type DPoPErrorCode, type DPoPErrorOptions, isDPoPError } from './dpop-error.js'
export {
  type ChallengeOptions,
  contextualizeError,
  type DPoPErrorContext,
  MISSING_CREDENTIALS,
  statusFor,
} from './error-context.js'
export {
  DPoP_ERROR_REASONS,
  type DPoPErrorReason,
  type DPoPErrorReasonEntry,
  isDPoPErrorReason,
} from './error-reasons.js'
export { type GenerateKeyPairOptions, generateKeyPair } from './generate-key-pair.js'
export { type ImportJwkOptions, importJwk } from './import-jwk.js'
export type { JSONWebKeySet, JWK } from './jwk.js'
export { algorithmOfKey } from './key-algorithm.js'
export { type CachedKey, KeyCache } from './key-cache.js'
export { LruCache } from './lru-cache.js'
export type { NodeKeyObject, NodeKeyObjectPair } from './node-key-object.js'
export { htuMatches, normalizeHtu } from './normalize-htu.js'
export { type AuthorizationCredentials, parseAuthorization } from './parse-authorization.js'
export { encodeBase64url, sha256Base64url } from './platform-crypto.js'
export type { PublicJwk } from './public-jwk.js'
export type { ReplayStore } from './replay-store.js'
export type { DPoPHttpRequest } from './request.js'
export { signJwt } from './sign-jwt.js'
export { type SignatureAlgorithm, signatureAlgorithm } from './signature-algorithm.js'
export {
  type NonceRequirement,
  type ProofClaims,
  type ProofHeader,
  type VerifiedProof,
  type VerifyProofOptions,
  verifyProof,
} from './verify-proof.js'
export type { CryptoKeyMembers, WebCryptoKey } from './web-crypto-key.js'
export {
  type BuildWWWAuthenticateOptions,
  buildWWWAuthenticate,
  type Challenge,
  parseWWWAuthenticate,
  quoteString,
} from './www-authenticate.js'
