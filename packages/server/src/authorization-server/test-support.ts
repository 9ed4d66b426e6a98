// Test-only helpers (not exported from the package).
import { createProof, generateKeyPair } from '@dpop/core'
import { base64url } from 'jose'
import type { AuthorizationServerConfig, ClientConfig } from './config.js'
import { createAuthorizationServer } from './create-authorization-server.js'
import type { AuthorizationServerRequest, AuthorizationServerResponse, InteractionHook } from './types.js'

export const ISSUER = 'https://as.example'
export const TOKEN_URL = `${ISSUER}/token`
export const PAR_URL = `${ISSUER}/par`
export const REDIRECT_URI = 'https://app.example/cb'
export const SECRET = 'a-very-long-client-secret'

export function clock(start = Date.UTC(2030, 0, 1)) {
  let current = start
  return {
    now: () => current,
    seconds: () => Math.floor(current / 1000),
    advance(seconds: number) {
      current += seconds * 1000
    },
  }
}

export function request(
  method: string,
  url: string,
  options: { headers?: Record<string, string | string[]>; body?: AuthorizationServerRequest['body'] } = {},
): AuthorizationServerRequest {
  const headers = new Map(
    Object.entries(options.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]),
  )
  return {
    method,
    url,
    header: (name) => headers.get(name.toLowerCase()),
    ...(options.body === undefined ? {} : { body: options.body }),
  }
}

export function basic(clientId: string, secret: string): string {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+')
  return `Basic ${btoa(`${encode(clientId)}:${encode(secret)}`)}`
}

export function json(response: AuthorizationServerResponse | undefined): Record<string, unknown> {
  if (response === undefined) throw new Error('no response')
  return JSON.parse(response.body) as Record<string, unknown>
}

export function decodeJwtPayload(token: string): Record<string, unknown> {
  return JSON.parse(new TextDecoder().decode(base64url.decode(token.split('.')[1] as string)))
}

export async function pkce() {
  const verifier = base64url.encode(crypto.getRandomValues(new Uint8Array(32)))
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))
  return { verifier, challenge: base64url.encode(new Uint8Array(digest)) }
}

export const keyPair = () => generateKeyPair('ES256')

export function proofFor(
  pair: CryptoKeyPair,
  htu: string,
  at: number,
  options: { htm?: string; nonce?: string; accessToken?: string } = {},
): Promise<string> {
  return createProof(pair, {
    htm: options.htm ?? 'POST',
    htu,
    iat: at,
    ...(options.nonce === undefined ? {} : { nonce: options.nonce }),
  })
}

export const CLIENTS: ClientConfig[] = [
  { clientId: 'service', clientSecret: SECRET, grantTypes: ['client_credentials'], scope: 'read write' },
  {
    clientId: 'web',
    clientSecret: SECRET,
    tokenEndpointAuthMethod: 'client_secret_post',
    redirectUris: [REDIRECT_URI],
    scope: 'openid read write',
  },
  {
    clientId: 'spa',
    redirectUris: [REDIRECT_URI, 'http://127.0.0.1:8080/cb'],
    allowedOrigins: ['https://app.example'],
    scope: 'read write',
  },
  {
    clientId: 'bound',
    clientSecret: SECRET,
    grantTypes: ['client_credentials'],
    dpopBoundAccessTokens: true,
  },
  { clientId: 'plain', clientSecret: SECRET, grantTypes: ['client_credentials'], tokenBinding: 'none' },
]

export const approveAlice: InteractionHook = () => ({ subject: 'alice' })

export function makeServer(overrides: Partial<AuthorizationServerConfig> = {}) {
  const time = clock()
  const server = createAuthorizationServer({
    issuer: ISSUER,
    clients: CLIENTS,
    interaction: approveAlice,
    now: time.now,
    ...overrides,
  })
  return { server, time }
}

/** Runs an authorization request and returns the redirect's query parameters. */
export async function authorize(
  server: ReturnType<typeof createAuthorizationServer>,
  parameters: Record<string, string>,
): Promise<URLSearchParams> {
  const url = new URL(`${ISSUER}/authorize`)
  for (const [name, value] of Object.entries(parameters)) url.searchParams.set(name, value)
  const response = await server.handle(request('GET', url.href))
  const location = response?.headers.Location
  if (location === undefined) throw new Error(`no redirect: ${response?.status} ${response?.body}`)
  return new URL(location).searchParams
}

/** Runs an authorization request with PKCE and returns the code and its verifier. */
export async function authorizationCode(
  server: ReturnType<typeof createAuthorizationServer>,
  clientId: string,
  scope: string,
): Promise<{ code: string; verifier: string; challenge: string }> {
  const { verifier, challenge } = await pkce()
  const result = await authorize(server, {
    response_type: 'code',
    client_id: clientId,
    redirect_uri: REDIRECT_URI,
    scope,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  })
  return { code: result.get('code') as string, verifier, challenge }
}

/** Runs the authorization code flow for `clientId` ('spa' public or 'web' confidential) and returns the token response. */
export async function codeFlowTokens(
  server: ReturnType<typeof createAuthorizationServer>,
  clientId: 'spa' | 'web',
  dpop?: string,
): Promise<Record<string, unknown>> {
  const { code, verifier } = await authorizationCode(server, clientId, 'read write')
  const body = new URLSearchParams({
    grant_type: 'authorization_code',
    code,
    code_verifier: verifier,
    redirect_uri: REDIRECT_URI,
    client_id: clientId,
    ...(clientId === 'web' ? { client_secret: SECRET } : {}),
  })
  const response = await server.handle(
    request('POST', TOKEN_URL, { headers: dpop ? { dpop } : {}, body: body.toString() }),
  )
  return json(response)
}
