import { type CaseVerdict, type ConformanceCase, verdict } from '../conformance-case.js'
import type { HttpResponse } from '../http-exchange.js'

const CLAUSE = 'RFC 9449 §8, §9; Fetch (CORS)'
const listed = (value: string | undefined, name: string) =>
  value?.split(',').some((item) => item.trim().toLowerCase() === name || item.trim() === '*')

const NOT_ALLOWED =
  'the server does not allow the origin through CORS: set target.origin to a browser origin it allows'

function exposure(response: HttpResponse, names: readonly string[]): CaseVerdict {
  if (response.header('access-control-allow-origin') === undefined)
    return { ...verdict('skip', response), hint: NOT_ALLOWED }
  const exposed = response.header('access-control-expose-headers')
  const missing = names.filter((name) => !listed(exposed, name))
  if (missing.length > 0) {
    return verdict(
      'warn',
      response,
      `browsers cannot read ${missing.join(', ')}: add it to Access-Control-Expose-Headers (DPoP-Nonce retries fail in SPAs)`,
    )
  }
  return verdict('pass', response)
}

export function corsCases(): ConformanceCase[] {
  return [
    {
      id: 'cors.token.preflight',
      clause: CLAUSE,
      family: 'cors',
      title: 'token endpoint preflight allows the DPoP request header',
      needs: ['token'],
      async run(context) {
        const response = await context.send({
          method: 'OPTIONS',
          url: context.tokenEndpoint,
          headers: {
            origin: context.origin,
            'access-control-request-method': 'POST',
            'access-control-request-headers': 'content-type, dpop',
          },
          notes: `preflight from ${context.origin}`,
        })
        if (response.header('access-control-allow-origin') === undefined)
          return { ...verdict('skip', response), hint: NOT_ALLOWED }
        return listed(response.header('access-control-allow-headers'), 'dpop')
          ? verdict('pass', response)
          : verdict(
              'warn',
              response,
              'list DPoP in Access-Control-Allow-Headers, or browsers cannot send proofs',
            )
      },
    },
    {
      id: 'cors.token.expose',
      clause: CLAUSE,
      family: 'cors',
      title: 'token endpoint exposes DPoP-Nonce to browsers',
      needs: ['token'],
      run: async (context) =>
        exposure(
          await context.tokenRequest((builder) => builder.valid(), {
            headers: { origin: context.origin },
            notes: `valid request from ${context.origin}`,
          }),
          ['dpop-nonce'],
        ),
    },
    {
      id: 'cors.resource.expose',
      clause: CLAUSE,
      family: 'cors',
      title: 'resource exposes DPoP-Nonce and WWW-Authenticate to browsers',
      needs: ['resource'],
      run: async (context) =>
        exposure(
          await context.resourceRequest((builder) => builder.valid(), {
            headers: { origin: context.origin },
            notes: `valid request from ${context.origin}`,
          }),
          ['dpop-nonce', 'www-authenticate'],
        ),
    },
  ]
}
