import type { ResourceAdapterOptions } from './resource-adapter-options.js'

/** Who answers a DPoP failure in a framework adapter (see `FrameworkAdapterOptions.errors`). */
export type FrameworkErrorHandling = 'respond' | 'framework'

/** The options of the Express, Koa and Fastify adapters' guards. */
export interface FrameworkAdapterOptions extends ResourceAdapterOptions {
  /**
   * `false` lets a request that presents no credentials at all (no `Authorization` header, no `DPoP` header,
   * no `access_token` parameter) reach the route with no authentication result. A request that presents
   * any of them is checked as usual and refused when they fail.
   * @default true
   */
  credentialsRequired?: boolean
  /**
   * Who answers a DPoP failure. `'respond'`: the adapter writes the status, the challenge and the RFC 6750
   * JSON body. `'framework'`: the adapter hands the framework a `DPoPError` (Express `next(err)`, Koa a
   * thrown error, Fastify its error handler) whose `status`, `headers` (`WWW-Authenticate`, `DPoP-Nonce`,
   * `Cache-Control`, CORS) and `toJSON()` (the JSON body) an error handler can write or reshape; the
   * framework's default handler answers with that status and those headers and its own body.
   * Errors that are not `DPoPError`s always go to the framework.
   * @default 'respond'
   */
  errors?: FrameworkErrorHandling
}
