import { algorithmOfKey } from '@dpop/core'
import { type ConformanceCase, expectTokenRejection, isSuccess, skip, verdict } from '../conformance-case.js'
import type { SigningKey } from '../proof-builder.js'
import { signingKeyOf } from '../proof-builder.js'
import type { RunContext } from '../run-context.js'
import type { ConformanceClient } from '../types.js'

function refresh(
  context: RunContext,
  client: ConformanceClient,
  refreshToken: string,
  key: SigningKey,
  notes: string,
) {
  const parameters = { grant_type: 'refresh_token', refresh_token: refreshToken }
  return context.sendWithNonce(
    { htm: 'POST', htu: context.tokenEndpoint },
    key,
    (builder) => builder.valid(),
    (proof) => context.tokenHttpRequest(client, proof, { parameters, notes }),
  )
}

const refreshBinding: ConformanceCase = {
  id: 'refresh.binding',
  clause: 'RFC 9449 §5',
  family: 'refresh',
  title: "a public client's refresh token used with a proof of another key",
  needs: [],
  async run(context) {
    if (context.target.userTokens === undefined) return skip('give target.userTokens to run refresh cases')
    const tokens = await context.target.userTokens()
    if (tokens.refreshToken === undefined) return skip('userTokens returned no refresh token')
    if (tokens.client.clientSecret !== undefined) {
      return skip('a confidential client: its refresh tokens may be bound to the client instead of the key')
    }
    const key = await signingKeyOf(tokens.dpopKeyPair, algorithmOfKey(tokens.dpopKeyPair.privateKey))
    const control = await refresh(
      context,
      tokens.client,
      tokens.refreshToken,
      key,
      'refresh with the bound key',
    )
    if (!isSuccess(control)) return verdict('fail', control, 'positive control failed')
    const rotated = control.json?.['refresh_token']
    const refreshToken = typeof rotated === 'string' ? rotated : tokens.refreshToken
    return expectTokenRejection(
      await refresh(
        context,
        tokens.client,
        refreshToken,
        context.otherKey,
        'refresh with a proof of another key',
      ),
      'bind refresh tokens of public clients to the DPoP key and check the proof key on refresh',
      ['invalid_grant', 'invalid_dpop_proof'],
    )
  },
}

export function refreshCases(): ConformanceCase[] {
  return [refreshBinding]
}
