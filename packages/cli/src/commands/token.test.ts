import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startTestServers, TEST_CLIENT, type TestServers } from '../test-servers.js'
import { createKeyFile, runCaptured, temporaryDirectory } from '../test-support.js'

let servers: TestServers
let directory: Awaited<ReturnType<typeof temporaryDirectory>>
let key: { path: string; thumbprint: string }
beforeAll(async () => {
  servers = await startTestServers()
})
afterAll(() => servers.close())
beforeEach(async () => {
  directory = await temporaryDirectory()
  key = await createKeyFile(directory.path)
  servers.tokenRequests.length = 0
})
afterEach(() => directory.remove())

const tokenArguments = () => [
  'token',
  '--issuer',
  servers.issuer,
  '--client-id',
  TEST_CLIENT.id,
  '--client-secret',
  TEST_CLIENT.secret,
]

describe('dpop token (RFC 9449 §5, RFC 8414)', () => {
  it('discovers the token endpoint, retries once with the server nonce (§8) and prints the token response', async () => {
    const result = await runCaptured([...tokenArguments(), '--key', key.path, '--scope', 'read write'])
    expect(result.stderr).toBe('')
    expect(result.exitCode).toBe(0)
    const response = JSON.parse(result.stdout)
    expect(response).toMatchObject({ token_type: 'DPoP', expires_in: 300 })
    expect(typeof response.access_token).toBe('string')
    expect(result.stdout).toContain('\n  "token_type"') // pretty-printed without --json
    expect(servers.tokenRequests).toHaveLength(2)
    expect(servers.tokenRequests[0]).toMatchObject({
      nonce: undefined,
      authentication: 'basic',
      scope: 'read write',
    })
    expect(typeof servers.tokenRequests[1]?.nonce).toBe('string')
  })

  it('--auth post sends the client credentials in the body; --json prints the response on one line', async () => {
    const result = await runCaptured([...tokenArguments(), '--key', key.path, '--auth', 'post', '--json'])
    expect(result.exitCode).toBe(0)
    expect(result.stdout.trim().split('\n')).toHaveLength(1)
    expect(Object.keys(JSON.parse(result.stdout)).sort()).toEqual([
      'access_token',
      'expires_in',
      'token_type',
    ])
    expect(servers.tokenRequests.map((request) => request.authentication)).toEqual(['post', 'post'])
  })

  it('without --key binds the token to a throwaway key and says so', async () => {
    const result = await runCaptured(tokenArguments())
    expect(result.exitCode).toBe(0)
    expect(result.stderr).toContain('throwaway key')
  })

  it('a refused client exits 1 with the OAuth error, as JSON with --json', async () => {
    const argv = [
      'token',
      '--issuer',
      servers.issuer,
      '--client-id',
      TEST_CLIENT.id,
      '--client-secret',
      'wrong',
    ]
    const result = await runCaptured([...argv, '--key', key.path])
    expect(result.exitCode).toBe(1)
    expect(result.stderr).toBe('dpop token: token request failed (HTTP 401): invalid_client\n')
    const json = await runCaptured([...argv, '--key', key.path, '--json'])
    expect(JSON.parse(json.stdout)).toMatchObject({ error: 'invalid_client', status: 401 })
  })

  it('an issuer whose metadata names another issuer is refused (RFC 8414 §3.3)', async () => {
    const argv = tokenArguments()
    argv[2] = servers.issuer.replace('127.0.0.1', 'localhost')
    const result = await runCaptured([...argv, '--key', key.path])
    expect(result.exitCode).toBe(1)
    expect(result.stderr).toContain('invalid_metadata')
    expect(servers.tokenRequests).toHaveLength(0)
  })

  it('an unreachable issuer exits 1 with a one-line message', async () => {
    const closed = await startTestServers()
    await closed.close()
    const argv = tokenArguments()
    argv[2] = closed.issuer
    const result = await runCaptured([...argv, '--key', key.path])
    expect(result.exitCode).toBe(1)
    expect(result.stderr).toMatch(/^dpop token: cannot reach http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)\n$/)
  })

  it('usage errors exit 2: a missing --client-secret, a bad --auth', async () => {
    const missing = await runCaptured(['token', '--issuer', servers.issuer, '--client-id', 'x'])
    expect(missing.exitCode).toBe(2)
    expect(missing.stderr).toContain('missing required option --client-secret')
    const auth = await runCaptured([...tokenArguments(), '--auth', 'jwt'])
    expect(auth.exitCode).toBe(2)
    expect(auth.stderr).toContain('--auth must be basic or post')
  })
})
