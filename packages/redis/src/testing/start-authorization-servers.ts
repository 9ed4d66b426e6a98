import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { generateKeyPair } from '@dpop/core'
import { createAuthorizationServer, createNeutralRequest } from '@dpop/server'
import type { Redis } from 'ioredis'
import { createRedisClient } from '../create-redis-client.js'
import { createRedisReplayStore } from '../create-redis-replay-store.js'
import { createRedisStorage } from '../create-redis-storage.js'
import { waitReady } from './start-redis.js'

/** The issuer every instance shares; proofs name its endpoints whatever port an instance listens on. */
export const ISSUER = 'http://127.0.0.1'
export const SERVICE = { clientId: 'service', clientSecret: 'service-secret-0123456789' }
export const APP = { clientId: 'app', redirectUri: 'http://127.0.0.1/callback' }
/** A public client like `APP` whose access tokens are opaque (stored in Redis) rather than JWTs. */
export const OPAQUE_APP = { clientId: 'app-opaque', redirectUri: APP.redirectUri }

export interface AuthorizationServerInstances {
  /** Base URL (`http://127.0.0.1:<port>`) of each instance. */
  urls: string[]
  /** The Redis connection of each instance. */
  connections: Redis[]
  /** Resolves once every connection is ready again (after a Redis restart). */
  ready(): Promise<void>
  close(): Promise<void>
}

/**
 * Starts `count` authorization servers sharing one Redis (each with its own connection and listener),
 * one signing key and one configuration, as a load-balanced deployment would.
 */
export async function startAuthorizationServers(
  redisUrl: string,
  count: number,
  prefix: string,
): Promise<AuthorizationServerInstances> {
  const signingKey = await generateKeyPair('ES256')
  const connections: Redis[] = []
  const servers: Server[] = []
  const urls: string[] = []
  for (let index = 0; index < count; index++) {
    const connection = createRedisClient(redisUrl)
    connection.on('error', () => {}) // outages are expected in these tests; requests report them as 503
    connections.push(connection)
    const authorizationServer = createAuthorizationServer({
      issuer: ISSUER,
      signingKeys: [{ ...signingKey, kid: 'shared' }],
      clients: [
        { ...SERVICE, dpopBoundAccessTokens: true },
        { clientId: APP.clientId, redirectUris: [APP.redirectUri], dpopBoundAccessTokens: true },
        {
          clientId: OPAQUE_APP.clientId,
          redirectUris: [OPAQUE_APP.redirectUri],
          dpopBoundAccessTokens: true,
          accessTokenFormat: 'opaque',
        },
      ],
      storage: createRedisStorage(connection, { prefix }),
      replayStore: createRedisReplayStore(connection, { prefix }),
      interaction: () => ({ subject: 'alice' }),
    })
    const server = createServer(async (request, response) => {
      let body = ''
      for await (const chunk of request) body += chunk
      const neutral = createNeutralRequest(
        request.method ?? 'GET',
        `${ISSUER}${request.url ?? '/'}`,
        request.headers,
        request.rawHeaders,
      )
      const answer = await authorizationServer.handle({ ...neutral, body })
      if (answer === undefined) response.writeHead(404).end()
      else response.writeHead(answer.status, answer.headers).end(answer.body)
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    servers.push(server)
    urls.push(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)
  }
  const ready = async () => {
    await Promise.all(connections.map(waitReady))
  }
  await ready()
  return {
    urls,
    connections,
    ready,
    async close() {
      for (const connection of connections) connection.disconnect()
      await Promise.all(
        servers.map((server) => {
          server.closeAllConnections()
          return new Promise((resolve) => server.close(resolve))
        }),
      )
    },
  }
}
