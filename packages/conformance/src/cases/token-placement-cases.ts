import { type CaseVerdict, type ConformanceCase, isSuccess, verdict } from '../conformance-case.js'
import type { HttpResponse } from '../http-exchange.js'
import type { ResourceSendOptions, RunContext } from '../run-context.js'
import { resourceSides, sideLabel, sideSuffix } from '../side.js'

type Placement = 'query' | 'form'

const ALONE =
  'a DPoP-bound token must travel in "Authorization: DPoP": taking it from the query or a form body accepts it the way RFC 6750 carries bearer tokens, which RFC 9449 §7.2 forbids'
const BESIDE =
  'answer a request carrying the token by two methods with 400 invalid_request (RFC 6750 §2 allows one method, §3.1): ignoring the copy in the URL or body lets clients leak tokens into logs'

/** 404/405: the resource has no route for the method, so the request says nothing about the token. */
function unrouted(response: HttpResponse, method: string, index: number): CaseVerdict | undefined {
  if (response.status !== 404 && response.status !== 405) return undefined
  return verdict(
    'skip',
    response,
    `resource #${index} answers ${method} with ${response.status}, so a token in a form body cannot reach it`,
  )
}

function placementCase(index: number, placement: Placement, beside: boolean): ConformanceCase {
  const where = placement === 'query' ? 'the query string' : 'a form body'
  return {
    id: `token.${placement}${beside ? '-and-header' : ''}${sideSuffix(index)}`,
    clause: beside ? 'RFC 6750 §2, §3.1' : 'RFC 9449 §7.2, RFC 6750 §2',
    family: 'token-placement',
    title: `the access token in ${where}${beside ? ' and in the Authorization header' : ', no Authorization header'}, with a valid proof (${sideLabel(index)})`,
    needs: [index],
    async run(context: RunContext) {
      const { accessToken } = await context.credentialsAt(index)
      const method = placement === 'form' ? 'POST' : context.resourceAt(index).method
      const options: ResourceSendOptions = {
        notes: `access_token in ${where}${beside ? ' and Authorization: DPoP' : ''}, DPoP: valid proof`,
        method,
        ...(placement === 'query'
          ? { query: { access_token: accessToken } }
          : { form: { access_token: accessToken } }),
        ...(beside ? {} : { withoutAuthorization: true }),
      }
      const response = await context.resourceRequest(index, (builder) => builder.valid(), options)
      if (placement === 'form' && method !== context.resourceAt(index).method) {
        const skipped = unrouted(response, method, index)
        if (skipped !== undefined) return skipped
      }
      if (response.status >= 500) {
        return verdict('fail', response, 'the server failed (5xx) on a token sent by another method')
      }
      if (isSuccess(response)) return verdict(beside ? 'warn' : 'fail', response, beside ? BESIDE : ALONE)
      if (beside && !(response.status === 400 && response.received.error === 'invalid_request')) {
        const error = response.received.error === undefined ? '' : ` ${response.received.error}`
        return verdict(
          'pass',
          response,
          `refused with ${response.status}${error}; RFC 6750 §3.1 names 400 invalid_request for this`,
        )
      }
      return verdict('pass', response)
    },
  }
}

/** RFC 6750 §2: the token in the query string or a form body, alone and beside the header, at every resource. */
export function tokenPlacementCases(resourceCount: number): ConformanceCase[] {
  return resourceSides(resourceCount).flatMap((index) => [
    placementCase(index, 'query', false),
    placementCase(index, 'query', true),
    placementCase(index, 'form', false),
    placementCase(index, 'form', true),
  ])
}
