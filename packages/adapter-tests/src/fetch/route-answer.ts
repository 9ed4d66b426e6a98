import type { ResourceAuthentication } from '@dpop/server'

/** What every conformance route answers, as the reference response expects it (`{}` when anonymous). */
export function answerBody(authentication: ResourceAuthentication | undefined) {
  if (authentication === undefined) return {}
  const { claims, scheme, thumbprint } = authentication
  return { sub: claims.sub, scheme, thumbprint }
}

/** The route's JSON answer, typed as the other adapters' frameworks type it. */
export function routeAnswer(_request: Request, authentication: ResourceAuthentication | undefined): Response {
  return new Response(JSON.stringify(answerBody(authentication)), {
    headers: { 'Content-Type': 'application/json; charset=utf-8' },
  })
}
