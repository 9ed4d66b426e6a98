import { createHash, randomBytes } from 'node:crypto'
import { createProof, type DPoPKeyPair } from '@dpop/core'
import { APP, ISSUER, SERVICE } from './start-authorization-servers.js'

export interface TokenAnswer {
  status: number
  body: Record<string, unknown>
}

/** A proof for the shared token endpoint (`htu` is the issuer's, not the instance's address). */
export function tokenProof(key: DPoPKeyPair): Promise<string> {
  return createProof(key, { htm: 'POST', htu: `${ISSUER}/token` })
}

/** POSTs a form to one instance's token endpoint. */
export async function postToken(
  baseUrl: string,
  form: Record<string, string>,
  proof: string,
  authorization?: string,
): Promise<TokenAnswer> {
  const response = await fetch(`${baseUrl}/token`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      DPoP: proof,
      ...(authorization === undefined ? {} : { Authorization: authorization }),
    },
    body: new URLSearchParams(form).toString(),
    signal: AbortSignal.timeout(15_000),
  })
  return { status: response.status, body: (await response.json()) as Record<string, unknown> }
}

export async function clientCredentials(baseUrl: string, proof: string): Promise<TokenAnswer> {
  const basic = Buffer.from(`${SERVICE.clientId}:${SERVICE.clientSecret}`).toString('base64')
  return postToken(baseUrl, { grant_type: 'client_credentials' }, proof, `Basic ${basic}`)
}

/** Runs the authorization request of a public client at one instance; returns the code and PKCE verifier. */
export async function authorize(
  baseUrl: string,
  clientId: string = APP.clientId,
): Promise<{ code: string; verifier: string }> {
  const verifier = randomBytes(32).toString('base64url')
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: APP.redirectUri,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  })
  const response = await fetch(`${baseUrl}/authorize?${query}`, {
    redirect: 'manual',
    signal: AbortSignal.timeout(15_000),
  })
  const location = response.headers.get('location')
  const code = location === null ? null : new URL(location).searchParams.get('code')
  if (code === null) throw new Error(`authorization failed with status ${response.status}`)
  return { code, verifier }
}

export function redeemCode(
  baseUrl: string,
  code: string,
  verifier: string,
  proof: string,
  clientId: string = APP.clientId,
) {
  return postToken(
    baseUrl,
    {
      grant_type: 'authorization_code',
      code,
      code_verifier: verifier,
      redirect_uri: APP.redirectUri,
      client_id: clientId,
    },
    proof,
  )
}

export function refresh(
  baseUrl: string,
  refreshToken: string,
  proof: string,
  clientId: string = APP.clientId,
) {
  return postToken(
    baseUrl,
    { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: clientId },
    proof,
  )
}

/** Introspects a token at one instance as the confidential `SERVICE` client (RFC 7662); returns `active`. */
export async function introspect(baseUrl: string, token: string): Promise<unknown> {
  const basic = Buffer.from(`${SERVICE.clientId}:${SERVICE.clientSecret}`).toString('base64')
  const response = await fetch(`${baseUrl}/introspect`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: `Basic ${basic}` },
    body: new URLSearchParams({ token }).toString(),
    signal: AbortSignal.timeout(15_000),
  })
  if (response.status !== 200) throw new Error(`introspection answered ${response.status}`)
  return ((await response.json()) as { active?: unknown }).active
}

/** POSTs an RFC 7009 revocation of a public client's token to one instance. */
export async function revoke(
  baseUrl: string,
  token: string,
  clientId: string = APP.clientId,
): Promise<number> {
  const response = await fetch(`${baseUrl}/revoke`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token, client_id: clientId }).toString(),
    signal: AbortSignal.timeout(15_000),
  })
  await response.body?.cancel()
  return response.status
}
