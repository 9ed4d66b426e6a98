import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createNonceSource, DEFAULT_ALGORITHMS } from '@dpop/core'
import {
  createAuthorizationServer,
  createNeutralRequest,
  createResourceGuard,
  isDPoPError,
} from '@dpop/server'
import { decodeProtectedHeader } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createKeyFile, runCaptured, temporaryDirectory } from './test-support.js'

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

async function readBody(request: IncomingMessage): Promise<string> {
  let body = ''
  for await (const chunk of request) body += chunk
  return body
}

const servers: Server[] = []
let issuer = ''
let resourceUrl = ''
let directory: Awaited<ReturnType<typeof temporaryDirectory>>

beforeAll(async () => {
  directory = await temporaryDirectory()
  const nonceSource = createNonceSource({
    secrets: [{ id: 'k1', secret: 'a shared secret of at least 32 bytes!' }],
  })
  const authorizationServerHttp = createServer()
  const resourceHttp = createServer()
  servers.push(authorizationServerHttp, resourceHttp)
  issuer = await listen(authorizationServerHttp)
  const resourceOrigin = await listen(resourceHttp)
  resourceUrl = `${resourceOrigin}/items`

  const authorizationServer = createAuthorizationServer({
    issuer,
    clients: [
      {
        clientId: 'cli',
        clientSecret: 'cli-secret-0123456789',
        grantTypes: ['client_credentials'],
        tokenBinding: 'dpop',
      },
    ],
    dpop: { nonce: 'always', nonceSource },
  })
  authorizationServerHttp.on('request', async (req, res) => {
    const body = await readBody(req)
    const request = createNeutralRequest(
      req.method ?? 'GET',
      `${issuer}${req.url}`,
      req.headers,
      req.rawHeaders,
    )
    const response = await authorizationServer.handle({ ...request, header: request.header, body })
    if (response === undefined) return void res.writeHead(404).end()
    res.writeHead(response.status, response.headers).end(response.body)
  })

  const guard = createResourceGuard({
    jwks: await authorizationServer.jwks(),
    issuer,
    audience: issuer,
    nonce: { source: nonceSource },
  })
  resourceHttp.on('request', async (req, res) => {
    const request = createNeutralRequest(
      req.method ?? 'GET',
      `${resourceOrigin}${req.url}`,
      req.headers,
      req.rawHeaders,
    )
    try {
      const { thumbprint, responseHeaders } = await guard.authenticate(request)
      res.writeHead(200, { ...responseHeaders, 'content-type': 'application/json' })
      res.end(JSON.stringify({ jkt: thumbprint }))
    } catch (error) {
      if (!isDPoPError(error)) throw error
      const { status, headers, body } = guard.toResponse(error)
      res.writeHead(status, headers).end(body)
    }
  })
})
afterAll(async () => {
  await directory.remove()
  for (const server of servers) {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  }
})

const requestToken = (keyPath: string) =>
  runCaptured([
    'token',
    '--issuer',
    issuer,
    '--client-id',
    'cli',
    '--client-secret',
    'cli-secret-0123456789',
    '--key',
    keyPath,
    '--json',
  ])

describe('dpop token and dpop fetch against @dpop/server (RFC 9449 §5, §7, §8, §9)', () => {
  it('gets a DPoP-bound token from the authorization server and calls the resource guard with it', async () => {
    const key = await createKeyFile(directory.path)
    const token = await requestToken(key.path)
    expect(token.stderr).toBe('')
    expect(token.exitCode).toBe(0)
    const response = JSON.parse(token.stdout)
    expect(response.token_type).toBe('DPoP')

    const call = await runCaptured([
      'fetch',
      resourceUrl,
      '--key',
      key.path,
      '--token',
      response.access_token,
      '--json',
    ])
    expect(call.stderr).toBe('')
    expect(JSON.parse(call.stdout)).toMatchObject({ status: 200, body: { jkt: key.thumbprint } })
    expect(call.exitCode).toBe(0)

    const other = await createKeyFile(directory.path, 'other.jwk')
    const stolen = await runCaptured([
      'fetch',
      resourceUrl,
      '--key',
      other.path,
      '--token',
      response.access_token,
    ])
    expect(stolen.exitCode).toBe(1)
    expect(stolen.stdout).toMatch(/^HTTP 401 /)
  })

  for (const alg of DEFAULT_ALGORITHMS) {
    it(`dpop keygen --alg ${alg}: token and fetch work with the servers' default algorithms`, async () => {
      const key = await createKeyFile(directory.path, `${alg}.jwk`, alg)
      const token = await requestToken(key.path)
      expect(token.stderr).toBe('')
      expect(token.exitCode).toBe(0)
      const { access_token: accessToken } = JSON.parse(token.stdout)
      const call = await runCaptured([
        'fetch',
        resourceUrl,
        '--key',
        key.path,
        '--token',
        accessToken,
        '--json',
      ])
      expect(call.stderr).toBe('')
      expect(JSON.parse(call.stdout)).toMatchObject({ status: 200, body: { jkt: key.thumbprint } })

      const proof = await runCaptured(['proof', '--key', key.path, '--htm', 'GET', '--htu', resourceUrl])
      expect(decodeProtectedHeader(proof.stdout.trim()).alg).toBe(alg)
      const verified = await runCaptured([
        'verify',
        proof.stdout.trim(),
        '--htm',
        'GET',
        '--htu',
        resourceUrl,
      ])
      expect(verified.exitCode).toBe(0)
    })
  }
})
