/** The route's JSON answer, typed as the other adapters' frameworks type it. */
export function routeAnswer(body: unknown): Response {
  return new Response(JSON.stringify(body), {
    headers: { 'Content-Type': 'application/json; charset=utf-8' },
  })
}
