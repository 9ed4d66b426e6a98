import {
  calculateJwkThumbprint,
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  type JSONWebKeySet,
  jwtVerify,
  SignJWT,
} from 'jose'
import type { BenchKey } from './fixtures.js'

export const ISSUER = 'https://as.example.com'
export const AUDIENCE = 'https://rs.example.com'

export interface AccessTokens {
  /** The authorization server's public key set, as a resource server holds it. */
  jwks: JSONWebKeySet
  /** RFC 9068 JWT bound to the client key (`cnf.jkt`, RFC 9449 §6.1). */
  bound: string
  /** The same token without `cnf`. */
  bearer: string
  /** Plain Bearer validation with jose: what the DPoP route is compared with. */
  verifyBearer: (authorization: string | undefined) => Promise<boolean>
}

export async function issueAccessTokens(clientKey: BenchKey): Promise<AccessTokens> {
  const { privateKey, publicKey } = await generateKeyPair('ES256')
  const publicJwk = { ...(await exportJWK(publicKey)), kid: 'as-1', alg: 'ES256', use: 'sig' }
  const jwks = { keys: [publicJwk] }
  const jkt = await calculateJwkThumbprint(clientKey.jwk as Parameters<typeof calculateJwkThumbprint>[0])
  const sign = (claims: Record<string, unknown>) =>
    new SignJWT({ client_id: 'bench-client', scope: 'read', ...claims })
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: 'as-1' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject('bench-user')
      .setIssuedAt()
      .setExpirationTime('2h')
      .setJti(crypto.randomUUID())
      .sign(privateKey)
  const keySet = createLocalJWKSet(jwks)
  return {
    jwks,
    bound: await sign({ cnf: { jkt } }),
    bearer: await sign({}),
    verifyBearer: async (authorization) => {
      if (authorization === undefined || !authorization.startsWith('Bearer ')) return false
      try {
        await jwtVerify(authorization.slice('Bearer '.length), keySet, {
          issuer: ISSUER,
          audience: AUDIENCE,
          typ: 'at+jwt',
        })
        return true
      } catch {
        return false
      }
    },
  }
}
