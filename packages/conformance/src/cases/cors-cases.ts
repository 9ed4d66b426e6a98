import { type CaseVerdict, type ConformanceCase, isSuccess, verdict } from '../conformance-case.js'
import type { HttpResponse } from '../http-exchange.js'
import type { RunContext } from '../run-context.js'
import { resourceSides, type Side, sideSuffix } from '../side.js'

const CLAUSE = 'RFC 9449 §8, §9; Fetch (CORS)'
const listed = (value: string | undefined, name: string) =>
  value?.split(',').some((item) => item.trim().toLowerCase() === name || item.trim() === '*')

/** Whether `side` handed out a nonce during the run (its own answer included). */
function issuesNonces(context: RunContext, side: Side, response: HttpResponse): boolean {
  return response.header('dpop-nonce') !== undefined || context.nonceFor(context.urlOf(side)) !== undefined
}

const NOT_ALLOWED =
  'the server does not allow the origin through CORS: set target.origin to a browser origin it allows'

function exposure(response: HttpResponse, names: readonly string[]): CaseVerdict {
  if (response.header('access-control-allow-origin') === undefined) {
    if (isSuccess(response)) return verdict('skip', response, NOT_ALLOWED)
    const error = response.received.error === undefined ? '' : ` ${response.received.error}`
    return verdict(
      'skip',
      response,
      `the server refused the request from the origin (${response.status}${error}) without CORS headers: set target.origin to a browser origin it allows`,
    )
  }
  if (names.length === 0) {
    return verdict(
      'skip',
      response,
      'the server issued no DPoP-Nonce during the run: there is none to expose',
    )
  }
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

export function corsCases(resourceCount: number): ConformanceCase[] {
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
      title: 'token endpoint exposes DPoP-Nonce to browsers, when it issues nonces',
      needs: ['token'],
      async run(context) {
        const response = await context.tokenRequest((builder) => builder.valid(), {
          headers: { origin: context.origin },
          notes: `valid request from ${context.origin}`,
        })
        return exposure(response, issuesNonces(context, 'token', response) ? ['dpop-nonce'] : [])
      },
    },
    ...resourceSides(resourceCount).map(
      (index): ConformanceCase => ({
        id: `cors.resource.expose${sideSuffix(index)}`,
        clause: CLAUSE,
        family: 'cors',
        title: `resource #${index} exposes WWW-Authenticate, and DPoP-Nonce when it issues nonces, to browsers`,
        needs: [index],
        async run(context) {
          const response = await context.resourceRequest(index, (builder) => builder.valid(), {
            headers: { origin: context.origin },
            notes: `valid request from ${context.origin}`,
          })
          const names = issuesNonces(context, index, response)
            ? ['dpop-nonce', 'www-authenticate']
            : ['www-authenticate']
          return exposure(response, names)
        },
      }),
    ),
  ]
}
