import { algorithmOfKey } from '@dpop/core'
import {
  type CaseVerdict,
  type ConformanceCase,
  expectTokenRejection,
  isSuccess,
  skip,
  verdict,
} from '../conformance-case.js'
import type { HttpResponse } from '../http-exchange.js'
import { introspect } from '../introspect.js'
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

interface ReuseScenario {
  /** Why the scenario could not be played (a skip), or the failed control. */
  stop?: CaseVerdict
  /** The answer to the reuse of the rotated refresh token. */
  reuse?: HttpResponse
  /** The answer to the refresh with the newest refresh token, after the reuse. */
  newest?: HttpResponse
  /** Access tokens of the family: before the rotation, and after it. */
  accessTokens?: string[]
}

const scenarios = new WeakMap<RunContext, Promise<ReuseScenario>>()

/**
 * A user's refresh token R0 is rotated to R1 (with A1), then R0 is presented again: the grant is compromised
 * (RFC 9700 §4.14.2), so R0 and R1 should be refused and the family's access tokens revoked.
 */
function playReuse(context: RunContext): Promise<ReuseScenario> {
  let scenario = scenarios.get(context)
  if (scenario === undefined) {
    scenario = (async (): Promise<ReuseScenario> => {
      if (context.target.userTokens === undefined)
        return { stop: skip('give target.userTokens to run refresh cases') }
      const tokens = await context.target.userTokens()
      if (tokens.refreshToken === undefined) return { stop: skip('userTokens returned no refresh token') }
      const key = await signingKeyOf(tokens.dpopKeyPair, algorithmOfKey(tokens.dpopKeyPair.privateKey))
      const rotated = await refresh(context, tokens.client, tokens.refreshToken, key, 'refresh (rotation)')
      if (!isSuccess(rotated))
        return { stop: verdict('fail', rotated, 'positive control failed: a valid refresh was refused') }
      const next = rotated.json?.['refresh_token']
      const accessToken = rotated.json?.['access_token']
      if (typeof next !== 'string' || next === tokens.refreshToken) {
        return {
          stop: verdict(
            'skip',
            rotated,
            'the server does not rotate refresh tokens, so there is no reuse to detect',
          ),
        }
      }
      const reuse = await refresh(
        context,
        tokens.client,
        tokens.refreshToken,
        key,
        'reuse of the rotated refresh token',
      )
      const newest = await refresh(
        context,
        tokens.client,
        next,
        key,
        'the newest refresh token, after the reuse',
      )
      const accessTokens = [tokens.accessToken, ...(typeof accessToken === 'string' ? [accessToken] : [])]
      return { reuse, newest, accessTokens }
    })()
    scenarios.set(context, scenario)
  }
  return scenario
}

const REUSE_CLAUSE = 'RFC 9700 §4.14.2, RFC 6749 §10.4'

const refreshReuse: ConformanceCase[] = [
  {
    id: 'refresh.reuse.rejected',
    clause: REUSE_CLAUSE,
    family: 'refresh',
    title: 'a rotated refresh token presented again is refused',
    needs: [],
    async run(context) {
      const { stop, reuse } = await playReuse(context)
      if (stop !== undefined) return stop
      return expectTokenRejection(
        reuse as HttpResponse,
        'invalidate a refresh token once it is rotated: its reuse is the sign of a stolen token',
        ['invalid_grant'],
      )
    },
  },
  {
    id: 'refresh.reuse.family-revoked',
    clause: REUSE_CLAUSE,
    family: 'refresh',
    title: 'after the reuse of a rotated refresh token, the newest refresh token of the grant is refused too',
    needs: [],
    async run(context) {
      const { stop, newest } = await playReuse(context)
      if (stop !== undefined) return stop
      return expectTokenRejection(
        newest as HttpResponse,
        'on reuse of a rotated refresh token revoke the active one too: the server cannot tell the thief from the client',
        ['invalid_grant'],
      )
    },
  },
  {
    id: 'refresh.reuse.access-revoked',
    clause: `${REUSE_CLAUSE}, RFC 7662 §2.2`,
    family: 'refresh',
    title:
      'after the reuse of a rotated refresh token, the access tokens of the grant are inactive at introspection',
    needs: [],
    async run(context) {
      const { stop, accessTokens = [] } = await playReuse(context)
      if (stop !== undefined) return stop
      let last: HttpResponse | undefined
      for (const [index, token] of accessTokens.entries()) {
        const response = await introspect(
          context,
          token,
          `introspection of access token #${index} of the grant`,
        )
        if (typeof response === 'string') return skip(response)
        if (response.status !== 200) return verdict('fail', response, 'introspection failed')
        if (response.json?.['active'] !== false) {
          return verdict(
            'warn',
            response,
            'the access tokens of a grant whose refresh token was reused stay active: revoke every token issued from the grant',
          )
        }
        last = response
      }
      return verdict('pass', last)
    },
  },
]

export function refreshCases(): ConformanceCase[] {
  return [refreshBinding, ...refreshReuse]
}
