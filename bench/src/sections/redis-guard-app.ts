import type { AddressInfo } from 'node:net'
import type { ReplayStore } from '@dpop/core'
import type { FastifyPluginAsync, preHandlerAsyncHookHandler } from 'fastify'
import type { JSONWebKeySet } from 'jose'
import { AUDIENCE, ISSUER } from '../tokens.js'

export const GUARD_BODY = JSON.stringify({ ok: true })

export interface GuardedApp {
  url: string
  close: () => Promise<void>
}

/**
 * A Fastify app with one GET route per entry of `routes`, each behind the @dpop/fastify guard as shipped
 * (token claims cached by token hash), differing only in the replay store.
 */
export async function startGuardedApp(
  jwks: JSONWebKeySet,
  routes: Record<string, ReplayStore | undefined>,
): Promise<GuardedApp> {
  const specifier = '@dpop/fastify'
  const { dpop } = (await import(specifier)) as { dpop: FastifyPluginAsync<Record<string, unknown>> }
  const { default: fastify } = await import('fastify')
  const app = fastify()
  for (const [path, replayStore] of Object.entries(routes)) {
    await app.register(async (scope) => {
      await scope.register(dpop, {
        jwks,
        issuer: ISSUER,
        audience: AUDIENCE,
        publicUrl: AUDIENCE,
        ...(replayStore === undefined ? {} : { replayStore }),
      })
      const decorated = scope as unknown as { dpop: { preHandler: () => preHandlerAsyncHookHandler } }
      scope.get(path, { preHandler: decorated.dpop.preHandler() }, async (_request, reply) =>
        reply.type('application/json').send(GUARD_BODY),
      )
    })
  }
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}`, close: () => app.close() }
}
