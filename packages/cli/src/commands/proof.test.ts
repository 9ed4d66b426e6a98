import { chmod, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { calculateAccessTokenHash, verifyProof } from '@dpop/core'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createKeyFile, runCaptured, temporaryDirectory } from '../test-support.js'

const HTU = 'https://as.example.com/oauth2/token'
let directory: Awaited<ReturnType<typeof temporaryDirectory>>
beforeEach(async () => {
  directory = await temporaryDirectory()
})
afterEach(() => directory.remove())

const request = (method: string, url: string) => ({ method, url, header: () => undefined })

describe('dpop proof (RFC 9449 §4.2)', () => {
  it('prints only a proof that core verifyProof accepts for the htm, htu, token and nonce', async () => {
    const key = await createKeyFile(directory.path)
    const result = await runCaptured([
      'proof',
      '--key',
      key.path,
      '--htm',
      'POST',
      '--htu',
      `${HTU}?ignored=1#fragment`,
      '--token',
      'access-token-1',
      '--nonce',
      'server-nonce',
    ])
    expect(result.exitCode).toBe(0)
    expect(result.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/)
    const verified = await verifyProof(result.stdout.trim(), request('POST', HTU), {
      accessToken: 'access-token-1',
      expectedThumbprint: key.thumbprint,
      replayStore: false,
    })
    expect(verified.claims).toMatchObject({
      htm: 'POST',
      htu: HTU,
      nonce: 'server-nonce',
      ath: await calculateAccessTokenHash('access-token-1'),
    })
    await expect(
      verifyProof(result.stdout.trim(), request('GET', HTU), { replayStore: false }),
    ).rejects.toMatchObject({ reason: 'htm' })
  })

  it('takes --iat, and --alg for a key file without "alg"', async () => {
    const key = await createKeyFile(directory.path)
    const { alg: _alg, ...withoutAlg } = JSON.parse(await readFile(key.path, 'utf8'))
    const path = join(directory.path, 'no-alg.jwk')
    await writeFile(path, JSON.stringify(withoutAlg))
    const base = ['proof', '--key', path, '--htm', 'GET', '--htu', HTU]
    const missing = await runCaptured(base)
    expect(missing.exitCode).toBe(2)
    expect(missing.stderr).toContain('pass --alg')
    const result = await runCaptured([...base, '--alg', 'ES256', '--iat', '1700000000', '--json'])
    expect(result.exitCode).toBe(0)
    const output = JSON.parse(result.stdout)
    expect(Object.keys(output).sort()).toEqual(['claims', 'header', 'jkt', 'proof'])
    expect(output.claims.iat).toBe(1700000000)
    expect(output.header).toMatchObject({ typ: 'dpop+jwt', alg: 'ES256' })
    expect(output.jkt).toBe(key.thumbprint)
  })

  it('warns on stderr, not stdout, when others can read the private key file', async () => {
    const key = await createKeyFile(directory.path)
    const argv = ['proof', '--key', key.path, '--htm', 'GET', '--htu', HTU]
    expect((await runCaptured(argv)).stderr).toBe('')
    await chmod(key.path, 0o644)
    const result = await runCaptured(argv)
    expect(result.exitCode).toBe(0)
    expect(result.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/)
    expect(result.stderr).toContain('is readable by other users (chmod 600')
  })

  it('answers bad input with exit code 2 and a message, never a stack trace', async () => {
    const key = await createKeyFile(directory.path)
    const publicPath = join(directory.path, 'public.jwk')
    const { kty, crv, x, y } = JSON.parse(await readFile(key.path, 'utf8'))
    await writeFile(publicPath, JSON.stringify({ kty, crv, x, y, alg: 'ES256' }))
    const brokenPath = join(directory.path, 'broken.jwk')
    await writeFile(brokenPath, JSON.stringify({ kty, crv, x: 'AAAA', y, d: 'AAAA', alg: 'ES256' }))
    const cases = [
      [['proof', '--key', key.path, '--htu', HTU], 'missing required option --htm'],
      [['proof', '--key', key.path, '--htm', 'POST', '--htu', 'not a url'], '--htu must be an absolute URL'],
      [['proof', '--key', key.path, '--htm', 'POST', '--htu', HTU, '--iat', 'soon'], '--iat must be'],
      [['proof', '--key', key.path, '--htm', 'POST', '--htu', HTU, '--bogus'], "unknown option '--bogus'"],
      [
        ['proof', '--key', join(directory.path, 'nope.jwk'), '--htm', 'POST', '--htu', HTU],
        'cannot read key file',
      ],
      [['proof', '--key', publicPath, '--htm', 'POST', '--htu', HTU], 'is a public key'],
      [
        ['proof', '--key', brokenPath, '--htm', 'POST', '--htu', HTU],
        'does not hold a valid ES256 private key',
      ],
      [['proof', '--key', key.path, '--alg', 'ES384', '--htm', 'POST', '--htu', HTU], 'does not match'],
    ] as const
    for (const [argv, message] of cases) {
      const result = await runCaptured(argv)
      expect(result.exitCode, message).toBe(2)
      expect(result.stdout).toBe('')
      expect(result.stderr).toContain(message)
      expect(result.stderr).not.toMatch(/\n\s+at /)
    }
  })
})
