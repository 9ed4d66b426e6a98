import { createFetchGuard, fetchAuthorizationServer, fetchProtectedResourceMetadata } from '@dpop/server'
import type { ConformanceAppOptions } from '../run-conformance-suite.js'

/** The Fetch handlers every conformance app is built from, whatever routes them. */
export function fetchConformanceApp(options: ConformanceAppOptions) {
  const publicUrl = options.publicUrl === undefined ? {} : { publicUrl: options.publicUrl }
  return {
    guard: createFetchGuard({ ...options.guard, ...publicUrl, allowedOrigins: options.allowedOrigins }),
    optionalGuard: createFetchGuard({
      ...options.guard,
      ...publicUrl,
      allowedOrigins: options.allowedOrigins,
      credentialsRequired: false,
    }),
    nonceGuard: createFetchGuard({ ...options.nonceGuard, ...publicUrl }),
    authorizationServer: fetchAuthorizationServer(options.authorizationServer),
    metadata: fetchProtectedResourceMetadata(options.guard),
  }
}
