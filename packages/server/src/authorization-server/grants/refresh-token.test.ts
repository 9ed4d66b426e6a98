import { describe, expect, it } from 'vitest'
import { createMemoryStorage } from '../memory-storage.js'
import {
  codeFlowTokens,
  decodeJwtPayload,
  json,
  keyPair,
  makeServer,
  proofFor,
  request,
  SECRET,
  TOKEN_URL,
} from '../test-support.js'

type Server = ReturnType<typeof makeServer>['server']

const initialTokens = codeFlowTokens

function refresh(
  server: Server,
  refreshToken: string,
  options: { clientId?: string; dpop?: string; scope?: string } = {},
) {
  const clientId = options.clientId ?? 'spa'
  const body = new URLSearchParams({
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
    client_id: clientId,
  })
  if (clientId === 'web') body.set('client_secret', SECRET)
  if (options.scope !== undefined) body.set('scope', options.scope)
  return server.handle(
    request('POST', TOKEN_URL, {
      headers: options.dpop ? { dpop: options.dpop } : {},
      body: body.toString(),
    }),
  )
}

describe('RFC 6749 §6 refresh with rotation', () => {
  it('rotates the refresh token; reusing a rotated token revokes the whole family', async () => {
    const { server } = makeServer()
    const first = await initialTokens(server, 'web')
    const second = json(await refresh(server, first.refresh_token as string, { clientId: 'web' }))
    expect(second.refresh_token).toBeTypeOf('string')
    expect(second.refresh_token).not.toBe(first.refresh_token)
    const reuse = await refresh(server, first.refresh_token as string, { clientId: 'web' })
    expect(json(reuse).error).toBe('invalid_grant')
    const successor = await refresh(server, second.refresh_token as string, { clientId: 'web' })
    expect(json(successor).error).toBe('invalid_grant')
  })

  it('narrows the scope on request; widening is invalid_scope and changes nothing', async () => {
    const { server } = makeServer()
    const first = await initialTokens(server, 'web')
    const widened = await refresh(server, first.refresh_token as string, {
      clientId: 'web',
      scope: 'read admin',
    })
    expect(json(widened).error).toBe('invalid_scope')
    const narrowed = json(
      await refresh(server, first.refresh_token as string, { clientId: 'web', scope: 'read' }),
    )
    expect(narrowed.scope).toBe('read')
    const full = json(await refresh(server, narrowed.refresh_token as string, { clientId: 'web' }))
    expect(full.scope).toBe('read write')
  })

  it('rejects a refresh token of another client without consuming it', async () => {
    const { server } = makeServer()
    const tokens = await initialTokens(server, 'web')
    expect(json(await refresh(server, tokens.refresh_token as string, { clientId: 'spa' })).error).toBe(
      'invalid_grant',
    )
    expect((await refresh(server, tokens.refresh_token as string, { clientId: 'web' }))?.status).toBe(200)
  })

  it('rejects an expired or unknown refresh token', async () => {
    const { server, time } = makeServer({ refreshTokenLifetime: 100 })
    const tokens = await initialTokens(server, 'web')
    time.advance(101)
    expect(json(await refresh(server, tokens.refresh_token as string, { clientId: 'web' })).error).toBe(
      'invalid_grant',
    )
    expect(json(await refresh(server, 'unknown', { clientId: 'web' })).error).toBe('invalid_grant')
  })

  it('answers 503 and issues nothing when rotation fails in storage', async () => {
    const storage = createMemoryStorage()
    const { server } = makeServer({ storage })
    const tokens = await initialTokens(server, 'web')
    storage.rotateRefreshToken = async () => {
      throw new Error('down')
    }
    const response = await refresh(server, tokens.refresh_token as string, { clientId: 'web' })
    expect(response?.status).toBe(503)
    expect(response?.body).not.toContain('access_token')
  })
})

describe('RFC 9449 §5 refresh token binding', () => {
  it("binds a public client's refresh token to its DPoP key; another key or none is invalid_grant", async () => {
    const { server, time } = makeServer()
    const pair = await keyPair()
    const other = await keyPair()
    const tokens = await initialTokens(server, 'spa', await proofFor(pair, TOKEN_URL, time.seconds()))
    const rt = tokens.refresh_token as string
    const wrongKey = await refresh(server, rt, { dpop: await proofFor(other, TOKEN_URL, time.seconds()) })
    expect(json(wrongKey).error).toBe('invalid_grant')
    expect(json(await refresh(server, rt)).error).toBe('invalid_grant')
    // Neither attempt consumed the token: the right key still refreshes.
    const ok = json(await refresh(server, rt, { dpop: await proofFor(pair, TOKEN_URL, time.seconds()) }))
    expect(ok.token_type).toBe('DPoP')
    expect((decodeJwtPayload(ok.access_token as string).cnf as { jkt: string }).jkt).toBeTypeOf('string')
  })

  it("binds a confidential client's refresh token to the client only: another key may refresh", async () => {
    const { server, time } = makeServer()
    const pair = await keyPair()
    const other = await keyPair()
    const tokens = await initialTokens(server, 'web', await proofFor(pair, TOKEN_URL, time.seconds()))
    const response = await refresh(server, tokens.refresh_token as string, {
      clientId: 'web',
      dpop: await proofFor(other, TOKEN_URL, time.seconds()),
    })
    expect(json(response).token_type).toBe('DPoP')
  })
})
