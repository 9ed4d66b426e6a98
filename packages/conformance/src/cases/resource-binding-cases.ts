import { calculateAccessTokenHash } from '@dpop/core'
import {
  type ConformanceCase,
  expectResourceRejection,
  expectTokenRejection,
  isSuccess,
  verdict,
} from '../conformance-case.js'
import type { HttpResponse } from '../http-exchange.js'
import type { ProofBuilder } from '../proof-builder.js'
import { resourceSides, sideLabel, sideSuffix } from '../side.js'

function rejected(response: HttpResponse, hint: string) {
  if (isSuccess(response)) return verdict('fail', response, hint)
  if (response.status >= 500) return verdict('fail', response, 'the server failed (5xx) on a hostile request')
  return verdict('pass', response)
}

const claimsWithout =
  (edit: (claims: Record<string, unknown>) => Promise<void> | void) => async (builder: ProofBuilder) => {
    const claims = await builder.claims()
    await edit(claims)
    return builder.sign(builder.header(), claims)
  }

/** ath, key binding, Bearer downgrade and header multiplicity at resource `index`. */
function atResource(index: number): ConformanceCase[] {
  const at = sideSuffix(index)
  const label = sideLabel(index)
  return [
    {
      id: `ath.missing${at}`,
      clause: 'RFC 9449 §4.3 step 12, §7.1',
      family: 'ath',
      title: `proof without ath sent with an access token (${label})`,
      needs: [index],
      run: async (context) =>
        expectResourceRejection(
          await context.resourceRequest(
            index,
            claimsWithout((claims) => {
              delete claims['ath']
            }),
            { notes: 'DPoP: no ath claim' },
          ),
          'require ath on proofs sent with an access token and compare it with the token hash',
        ),
    },
    {
      id: `ath.wrong${at}`,
      clause: 'RFC 9449 §4.3 step 12, §7.1',
      family: 'ath',
      title: `proof whose ath is the hash of another token (${label})`,
      needs: [index],
      run: async (context) =>
        expectResourceRejection(
          await context.resourceRequest(
            index,
            claimsWithout(async (claims) => {
              claims['ath'] = await calculateAccessTokenHash('another-access-token')
            }),
            { notes: 'DPoP: ath of another token' },
          ),
          'compare ath with base64url(SHA-256(access token)): without it a proof works with any token of the key',
        ),
    },
    {
      id: `binding.other-key${at}`,
      clause: 'RFC 9449 §4.3 step 12, §7.1',
      family: 'binding',
      title: `token bound to one key, valid proof by another key (${label})`,
      needs: [index],
      run: async (context) =>
        expectResourceRejection(
          await context.resourceRequest(index, (builder) => builder.valid(), {
            key: context.otherKey,
            notes: 'DPoP: valid proof by a key the token is not bound to',
          }),
          'compare the proof key thumbprint with the token cnf.jkt',
        ),
    },
    {
      id: `downgrade.bearer${at}`,
      clause: 'RFC 9449 §7.2',
      family: 'downgrade',
      title: `DPoP-bound token sent as Bearer without a proof (${label})`,
      needs: [index],
      run: async (context) =>
        rejected(
          await context.resourceRequest(index, async () => undefined, {
            scheme: 'Bearer',
            notes: 'Authorization: Bearer <bound token>',
          }),
          'a token with cnf.jkt must never be accepted as a Bearer token: it would make a stolen token usable',
        ),
    },
    {
      id: `downgrade.bearer-with-proof${at}`,
      clause: 'RFC 9449 §7.2',
      family: 'downgrade',
      title: `DPoP-bound token sent as Bearer with a valid proof (${label})`,
      needs: [index],
      run: async (context) =>
        rejected(
          await context.resourceRequest(index, (builder) => builder.valid(), {
            scheme: 'Bearer',
            notes: 'Authorization: Bearer <bound token>, DPoP: valid proof',
          }),
          'a token with cnf.jkt sent with the Bearer scheme must be rejected even with a proof',
        ),
    },
    {
      id: `headers.dpop.missing${at}`,
      clause: 'RFC 9449 §7.1',
      family: 'headers',
      title: `Authorization: DPoP without a DPoP header (${label})`,
      needs: [index],
      run: async (context) =>
        expectResourceRejection(
          await context.resourceRequest(index, async () => undefined, { notes: 'no DPoP header' }),
          'require a DPoP proof with the DPoP scheme',
          ['invalid_dpop_proof', 'invalid_token', 'invalid_request'],
        ),
    },
    {
      id: `headers.dpop.duplicate${at}`,
      clause: 'RFC 9449 §4.3 step 1',
      family: 'headers',
      title: `two DPoP header lines, each a valid proof (${label})`,
      needs: [index],
      run: async (context) =>
        expectResourceRejection(
          await context.resourceRequest(index, bothProofs, { notes: 'two DPoP header lines' }),
          DUPLICATE_DPOP,
          ['invalid_dpop_proof', 'invalid_token', 'invalid_request'],
        ),
    },
    {
      id: `headers.authorization.duplicate${at}`,
      clause: 'RFC 9110 §5.3, RFC 6750 §3.1',
      family: 'headers',
      title: `two Authorization header lines (${label})`,
      needs: [index],
      async run(context) {
        const { accessToken } = await context.credentialsAt(index)
        const response = await context.resourceRequest(index, (builder) => builder.valid(), {
          headers: { authorization: [`DPoP ${accessToken}`, 'Bearer conformance-other-token'] },
          notes: 'two Authorization header lines (DPoP and Bearer)',
        })
        // Authorization is a singleton field (RFC 9110 §5.3, §11.6.2); RFC 6750 §3.1 says SHOULD answer
        // invalid_request: accepting it is weaker, not a breach of a MUST.
        if (isSuccess(response)) {
          return verdict(
            'warn',
            response,
            'answer several Authorization header lines with 400 invalid_request: Node keeps the first, a proxy may keep another (read rawHeaders)',
          )
        }
        return rejected(response, '')
      },
    },
  ]
}

const DUPLICATE_DPOP =
  'reject a request with more than one DPoP header (read raw headers: frameworks join or drop repeats)'
const bothProofs = async (builder: ProofBuilder) => [await builder.valid(), await builder.valid()]

const tokenHeaderCases: ConformanceCase[] = [
  {
    id: 'headers.dpop.missing:token',
    clause: 'RFC 9449 §5',
    family: 'headers',
    title: 'token request without a DPoP header',
    needs: ['token'],
    async run(context) {
      const response = await context.send(
        context.tokenHttpRequest(context.target.client, undefined, { notes: 'no DPoP header' }),
      )
      const tokenType = response.json?.['token_type']
      if (isSuccess(response) && typeof tokenType === 'string' && tokenType.toLowerCase() === 'dpop') {
        return verdict('fail', response, 'a DPoP token was issued without a proof: nothing binds it to a key')
      }
      if (isSuccess(response)) {
        return verdict(
          'warn',
          response,
          'the client gets Bearer tokens without a proof: require DPoP for it (dpop_bound_access_tokens) unless it must also use Bearer',
        )
      }
      return response.status >= 500
        ? verdict('fail', response, 'the server failed (5xx) on a request without proof')
        : verdict('pass', response)
    },
  },
  {
    id: 'headers.dpop.duplicate:token',
    clause: 'RFC 9449 §4.3 step 1',
    family: 'headers',
    title: 'two DPoP header lines, each a valid proof (token endpoint)',
    needs: ['token'],
    run: async (context) =>
      expectTokenRejection(
        await context.tokenRequest(bothProofs, { notes: 'two DPoP header lines' }),
        DUPLICATE_DPOP,
        ['invalid_dpop_proof', 'invalid_request'],
      ),
  },
]

/** ath, key binding, Bearer downgrade and header multiplicity at every resource (and the token endpoint). */
export function resourceBindingCases(resourceCount: number): ConformanceCase[] {
  return [...tokenHeaderCases, ...resourceSides(resourceCount).flatMap(atResource)]
}
