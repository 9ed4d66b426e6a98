import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  createMemoryReplayStore,
  createNonceSource,
  type DPoPErrorContext,
  isDPoPError,
  type VerifiedProof,
  verifyProof,
} from '@dpop/core'

export interface ReceivedRequest {
  method: string
  url: string
  headers: IncomingMessage['headers']
  body: string
  /** The verified proof, or the failure reason. */
  proof: VerifiedProof | undefined
  failure: string | undefined
}

export interface DPoPTestServerOptions {
  /** The server's clock. @default Date.now */
  now?: () => number
  requireNonce?: boolean
  context?: DPoPErrorContext
  /** Answers a request whose proof passed. @default 200 JSON { ok: true } */
  respond?: (request: ReceivedRequest, response: ServerResponse) => void
  /** Requests answered by `respond` without a proof check (metadata, the authorization endpoint). */
  unprotected?: (path: string) => boolean
  /** Extra response headers on every response (CORS in the browser test). */
  headers?: Record<string, string>
  /** Accepted proof algorithms (and the challenge's `algs`). @default core's DEFAULT_ALGORITHMS */
  algorithms?: readonly string[]
}

export interface DPoPTestServer {
  url: string
  requests: ReceivedRequest[]
  close(): Promise<void>
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

/** A loopback HTTP server that checks every request's DPoP proof with core's `verifyProof`. */
export async function startDPoPTestServer(options: DPoPTestServerOptions = {}): Promise<DPoPTestServer> {
  const now = options.now ?? Date.now
  const context = options.context ?? 'resource'
  const nonceSource = createNonceSource({
    secrets: [{ id: 'k1', secret: 'a-test-secret-of-at-least-32-bytes!!' }],
    now,
  })
  const replayStore = createMemoryReplayStore()
  const requests: ReceivedRequest[] = []
  let origin = ''
  const server = createServer(async (request, response) => {
    // The server's own clock goes on the wire, as a real server's would.
    response.sendDate = false
    response.setHeader('Date', new Date(now()).toUTCString())
    for (const [name, value] of Object.entries(options.headers ?? {})) response.setHeader(name, value)
    if (request.method === 'OPTIONS') {
      response.writeHead(204).end()
      return
    }
    const body = await readBody(request)
    const received: ReceivedRequest = {
      method: request.method ?? '',
      url: `${origin}${request.url}`,
      headers: request.headers,
      body,
      proof: undefined,
      failure: undefined,
    }
    requests.push(received)
    if (options.unprotected?.(new URL(received.url).pathname) && options.respond) {
      options.respond(received, response)
      return
    }
    const authorization = request.headers.authorization
    const accessToken = authorization?.toLowerCase().startsWith('dpop ') ? authorization.slice(5) : undefined
    try {
      received.proof = await verifyProof(
        request.headers.dpop,
        { method: received.method, url: received.url, header: (name) => request.headers[name.toLowerCase()] },
        {
          now,
          context,
          replayStore,
          ...(options.algorithms === undefined ? {} : { algorithms: options.algorithms }),
          ...(options.requireNonce ? { nonce: { source: nonceSource } } : {}),
          ...(accessToken === undefined ? {} : { accessToken }),
        },
      )
    } catch (error) {
      if (!isDPoPError(error)) throw error
      received.failure = error.reason
      response.writeHead(error.status, { ...error.headers, 'Content-Type': 'application/json' })
      response.end(JSON.stringify(error.toJSON()))
      return
    }
    for (const [name, value] of Object.entries(received.proof.responseHeaders))
      response.setHeader(name, value)
    if (options.respond) options.respond(received, response)
    else response.writeHead(200, { 'Content-Type': 'application/json' }).end('{"ok":true}')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url: origin,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close((error) => (error ? reject(error) : resolve()))
      }),
  }
}
