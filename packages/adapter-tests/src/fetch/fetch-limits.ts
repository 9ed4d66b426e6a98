import type { ConformanceLimits } from '../run-conformance-suite.js'

/** What a Fetch `Request` cannot show a guard, so the suite skips the cases that need it. */
export const FETCH_LIMITS: ConformanceLimits = {
  trustedProxy:
    'a Request carries no peer address to decide which proxy to trust: set publicUrl behind a proxy',
  hostHeader: 'Request.url arrives parsed by the runtime, which answers a malformed or repeated Host itself',
  frameworkErrors:
    'a Fetch guard resolves a refusal to its Response, which the app returns or reshapes: no error handler is involved',
}
