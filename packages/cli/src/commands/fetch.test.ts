import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startTestServers, TEST_CLIENT, type TestServers } from '../test-servers.js'
import { createKeyFile, runCaptured, temporaryDirectory } from '../test-support.js'

let servers: TestServers
let directory: Awaited<ReturnType<typeof temporaryDirectory>>
let key: { path: string; thumbprint: string }
let accessToken: string
beforeAll(async () => {
  servers = await startTestServers()
})
afterAll(() => servers.close())
beforeEach(async () => {
  directory = await temporaryDirectory()
  key = await createKeyFile(directory.path)
  const token = await runCaptured([
    'token',
    '--issuer',
    servers.issuer,
    '--client-id',
    TEST_CLIENT.id,
    '--client-secret',
    TEST_CLIENT.secret,
    '--key',
    key.path,
    '--json',
  ])
  accessToken = JSON.parse(token.stdout).access_token
  servers.resourceRequests.length = 0
})
afterEach(() => directory.remove())

describe('dpop fetch (RFC 9449 §7)', () => {
  it('sends Authorization: DPoP with a proof carrying ath, retries once on use_dpop_nonce (§9), prints the response', async () => {
    const result = await runCaptured([
      'fetch',
      servers.resourceUrl,
      '--key',
      key.path,
      '--token',
      accessToken,
    ])
    expect(result.stderr).toBe('')
    expect(result.exitCode).toBe(0)
    const [statusLine, ...rest] = result.stdout.split('\n')
    expect(statusLine).toBe('HTTP 200 OK')
    expect(rest).toContain('content-type: application/json')
    expect(result.stdout).not.toContain('x-ignored')
    expect(JSON.parse(result.stdout.slice(result.stdout.indexOf('\n\n') + 2))).toEqual({
      ok: true,
      jkt: key.thumbprint,
      method: 'GET',
      body: '',
    })
    expect(servers.resourceRequests.map((request) => typeof request.nonce)).toEqual(['undefined', 'string'])
  })

  it('--data posts a form body (sent again on the nonce retry), -H adds headers, --json gives the response', async () => {
    const result = await runCaptured([
      'fetch',
      servers.resourceUrl,
      '--key',
      key.path,
      '--token',
      accessToken,
      '--data',
      'name=value',
      '-H',
      'Content-Type: text/plain',
      '--json',
    ])
    expect(result.exitCode).toBe(0)
    const output = JSON.parse(result.stdout)
    expect(Object.keys(output).sort()).toEqual(['body', 'headers', 'status', 'statusText'])
    expect(output).toMatchObject({ status: 200, body: { ok: true, method: 'POST', body: 'name=value' } })
    expect(output.headers['x-ignored']).toBe('yes')
    expect(servers.resourceRequests.map((request) => [request.body, request.contentType])).toEqual([
      ['name=value', 'text/plain'],
      ['name=value', 'text/plain'],
    ])
  })

  it('a token bound to another key is refused: exit 1 with the challenge shown', async () => {
    const other = await createKeyFile(directory.path, 'other.jwk')
    const result = await runCaptured([
      'fetch',
      servers.resourceUrl,
      '--key',
      other.path,
      '--token',
      accessToken,
    ])
    expect(result.exitCode).toBe(1)
    expect(result.stdout).toMatch(/^HTTP 401 Unauthorized\n/)
    expect(result.stdout).toContain('www-authenticate: DPoP error="invalid_token"')
  })

  it('an unreachable server exits 1 with a one-line message', async () => {
    const closed = await startTestServers()
    await closed.close()
    const result = await runCaptured(['fetch', closed.resourceUrl, '--key', key.path, '--token', accessToken])
    expect(result.exitCode).toBe(1)
    expect(result.stderr).toMatch(/^dpop fetch: cannot reach http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)\n$/)
  })

  it('usage errors exit 2: no URL, a malformed or reserved -H, --data with GET', async () => {
    const base = ['--key', key.path, '--token', accessToken]
    const cases = [
      [['fetch', ...base], 'missing the URL argument'],
      [['fetch', servers.resourceUrl, ...base, '-H', 'no colon'], '-H takes "Name: value"'],
      [
        ['fetch', servers.resourceUrl, ...base, '-H', 'Authorization: Bearer x'],
        '-H cannot set Authorization',
      ],
      [
        ['fetch', servers.resourceUrl, ...base, '--method', 'GET', '--data', 'x'],
        '--data cannot be sent with GET',
      ],
      [['fetch', servers.resourceUrl, '--key', key.path], 'missing required option --token'],
    ] as const
    for (const [argv, message] of cases) {
      const result = await runCaptured(argv)
      expect(result.exitCode, message).toBe(2)
      expect(result.stderr).toContain(message)
    }
    expect(servers.resourceRequests).toHaveLength(0)
  })
})
