import { describe, expect, it } from 'vitest'
import type { AuthorizationServerConfig } from './config.js'
import { createAuthorizationServer } from './create-authorization-server.js'

const valid: AuthorizationServerConfig = { issuer: 'https://as.example' }

describe('configuration validation', () => {
  const cases: [string, AuthorizationServerConfig, RegExp][] = [
    ['missing issuer', {} as AuthorizationServerConfig, /issuer/],
    ['http issuer', { issuer: 'http://as.example' }, /https/],
    ['issuer with query', { issuer: 'https://as.example/?a=b' }, /query/],
    [
      'issuer with user information (RFC 8414 §2)',
      { issuer: 'https://user:pw@as.example' },
      /user information/,
    ],
    [
      'redirect URI with a control character (RFC 6749 §3.1.2)',
      {
        issuer: 'https://as.example',
        clients: [{ clientId: 'c', redirectUris: ['https://app.example/cb\r\nX: y'] }],
      },
      /redirectUris/,
    ],
    ['jtiCacheTime too short', { ...valid, dpop: { proofTimeFrame: 300, jtiCacheTime: 60 } }, /jtiCacheTime/],
    ['unknown algorithm', { ...valid, dpop: { algorithms: ['HS256'] } }, /HS256/],
    ['bad nonce', { ...valid, dpop: { nonce: 'sometimes' as 'off' } }, /nonce/],
    ['negative lifetime', { ...valid, accessTokenLifetime: -1 }, /accessTokenLifetime/],
    ['duplicate path', { ...valid, paths: { token: '/jwks' } }, /duplicates/],
    ['relative path', { ...valid, paths: { token: 'token' } }, /paths.token/],
    [
      'short secret',
      { ...valid, clients: [{ clientId: 'a', clientSecret: 'short', grantTypes: ['client_credentials'] }] },
      /12/,
    ],
    [
      'unknown secret method',
      {
        ...valid,
        clients: [
          {
            clientId: 'a',
            clientSecret: 'long-enough-secret',
            grantTypes: ['client_credentials'],
            secretAuthMethods: ['private_key_jwt' as 'client_secret_post'],
          },
        ],
      },
      /secretAuthMethods/,
    ],
    [
      'registered method outside the secret methods',
      {
        ...valid,
        clients: [
          {
            clientId: 'a',
            clientSecret: 'long-enough-secret',
            grantTypes: ['client_credentials'],
            tokenEndpointAuthMethod: 'client_secret_post',
            secretAuthMethods: ['client_secret_basic'],
          },
        ],
      },
      /secretAuthMethods/,
    ],
    [
      'public client_credentials',
      { ...valid, clients: [{ clientId: 'a', grantTypes: ['client_credentials'] }] },
      /confidential/,
    ],
    [
      'code without interaction',
      { ...valid, clients: [{ clientId: 'a', redirectUris: ['https://app.example/cb'] }] },
      /interaction/,
    ],
    [
      'redirect with fragment',
      {
        ...valid,
        interaction: () => ({ subject: 'a' }),
        clients: [{ clientId: 'a', redirectUris: ['https://app.example/#x'] }],
      },
      /redirectUris/,
    ],
    [
      'contradictory binding',
      {
        ...valid,
        clients: [
          {
            clientId: 'a',
            clientSecret: 'x'.repeat(16),
            grantTypes: ['client_credentials'],
            dpopBoundAccessTokens: true,
            tokenBinding: 'none',
          },
        ],
      },
      /contradicts/,
    ],
    [
      'duplicate client',
      {
        ...valid,
        clients: [
          { clientId: 'a', clientSecret: 'x'.repeat(16), grantTypes: ['client_credentials'] },
          { clientId: 'a', clientSecret: 'x'.repeat(16), grantTypes: ['client_credentials'] },
        ],
      },
      /twice/,
    ],
    [
      'bad origin',
      {
        ...valid,
        clients: [
          {
            clientId: 'a',
            clientSecret: 'x'.repeat(16),
            grantTypes: ['client_credentials'],
            allowedOrigins: ['https://app.example/'],
          },
        ],
      },
      /allowedOrigins/,
    ],
    [
      'public signing key',
      { ...valid, signingKeys: [{ kty: 'EC', crv: 'P-256', x: 'a', y: 'b' }] },
      /signingKeys/,
    ],
  ]
  for (const [name, config, message] of cases) {
    it(`throws TypeError: ${name}`, () => {
      expect(() => createAuthorizationServer(config)).toThrow(TypeError)
      expect(() => createAuthorizationServer(config)).toThrow(message)
    })
  }

  it('accepts http on loopback and the documented defaults', () => {
    const server = createAuthorizationServer({ issuer: 'http://127.0.0.1:3000' })
    expect(server.issuer).toBe('http://127.0.0.1:3000')
    expect(server.metadata().token_endpoint).toBe('http://127.0.0.1:3000/token')
  })
})
