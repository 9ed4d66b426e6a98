import { readFile } from 'node:fs/promises'
import { createProof } from '@dpop/core'
import { importJWK } from 'jose'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createKeyFile, runCaptured, temporaryDirectory } from '../test-support.js'

const HTU = 'https://rs.example.com/api/items'
const NOW = 1_800_000_000
let directory: Awaited<ReturnType<typeof temporaryDirectory>>
let key: { path: string; thumbprint: string }
beforeEach(async () => {
  directory = await temporaryDirectory()
  key = await createKeyFile(directory.path)
})
afterEach(() => directory.remove())

async function proof(extra: readonly string[] = [], keyPath = key.path): Promise<string> {
  const result = await runCaptured([
    'proof',
    '--key',
    keyPath,
    '--htm',
    'GET',
    '--htu',
    HTU,
    '--token',
    'at-1',
    '--iat',
    String(NOW),
    ...extra,
  ])
  return result.stdout.trim()
}

function verify(value: string, extra: readonly string[] = []) {
  return runCaptured(['verify', value, '--htm', 'GET', '--htu', HTU, '--token', 'at-1', ...extra], {
    now: () => NOW * 1000,
  })
}

/** The mark of each check line of the text output. */
function marks(stdout: string): Record<string, string> {
  const result: Record<string, string> = {}
  for (const match of stdout.matchAll(/^([✓✗·-]) (\w+)/gm)) result[match[2] as string] = match[1] as string
  return result
}

describe('dpop verify (RFC 9449 §4.3)', () => {
  it('explains a valid proof: header, claims, every check ✓, exit code 0', async () => {
    const result = await verify(await proof(), ['--jkt', key.thumbprint])
    expect(result.exitCode).toBe(0)
    expect(result.stdout).toContain('"typ": "dpop+jwt"')
    expect(result.stdout).toContain(`"htu": "${HTU}"`)
    expect(result.stdout).toContain(`Key thumbprint (jkt): ${key.thumbprint}`)
    expect(Object.values(marks(result.stdout))).toEqual(Array(11).fill('✓'))
    expect(result.stdout).toContain('Result: valid proof')
  })

  it('marks ath and jkt skipped when no --token or --jkt is given', async () => {
    const result = await runCaptured(['verify', await proof(), '--htm', 'GET', '--htu', HTU], {
      now: () => NOW * 1000,
    })
    expect(result.exitCode).toBe(0)
    expect(marks(result.stdout)).toMatchObject({ ath: '-', jkt: '-', signature: '✓' })
    expect(result.stdout).toContain('skipped: no --token given')
  })

  const failures: ReadonlyArray<{
    title: string
    check: string
    explanation: string
    make: () => Promise<string[]>
  }> = [
    {
      title: '§4.3 step 8: wrong htm',
      check: 'htm',
      explanation: 'the proof was made for method "GET", the request uses "POST"',
      make: async () => ['verify', await proof(), '--htm', 'POST', '--htu', HTU, '--token', 'at-1'],
    },
    {
      title: '§4.3 step 9: wrong htu',
      check: 'htu',
      explanation: `the proof was made for "${HTU}", the request targets "https://rs.example.com/api/other"`,
      make: async () => [
        'verify',
        await proof(),
        '--htm',
        'GET',
        '--htu',
        'https://rs.example.com/api/other',
        '--token',
        'at-1',
      ],
    },
    {
      title: '§4.3 step 11: expired iat',
      check: 'iat',
      explanation: 'the proof was issued 600 s ago; proofs older than 300 s are rejected',
      make: async () => ['verify', await proof(['--iat', String(NOW - 600)]), '--htm', 'GET', '--htu', HTU],
    },
    {
      title: '§4.3 step 6: bad signature (tampered payload)',
      check: 'signature',
      explanation: 'the signature does not verify',
      make: async () => {
        const [header, , signature] = (await proof()).split('.')
        const [, otherPayload] = (await proof(['--iat', String(NOW - 1)])).split('.')
        return ['verify', `${header}.${otherPayload}.${signature}`, '--htm', 'GET', '--htu', HTU]
      },
    },
    {
      title: '§7.1: wrong ath',
      check: 'ath',
      explanation: '"ath" is the hash of another access token',
      make: async () => ['verify', await proof(), '--htm', 'GET', '--htu', HTU, '--token', 'at-2'],
    },
    {
      title: '§7.1: wrong jkt',
      check: 'jkt',
      explanation: `the token is bound to "${'A'.repeat(43)}"`,
      make: async () => ['verify', await proof(), '--htm', 'GET', '--htu', HTU, '--jkt', 'A'.repeat(43)],
    },
  ]

  for (const { title, check, explanation, make } of failures) {
    it(`${title}: exit code 1, ✓ before, ✗ ${check}, not checked after`, async () => {
      const result = await runCaptured(await make(), { now: () => NOW * 1000 })
      expect(result.exitCode).toBe(1)
      const checkMarks = marks(result.stdout)
      const names = Object.keys(checkMarks)
      const failedAt = names.indexOf(check)
      expect(checkMarks[check]).toBe('✗')
      for (const name of names.slice(0, failedAt)) expect(checkMarks[name]).toMatch(/[✓-]/)
      for (const name of names.slice(failedAt + 1)) expect(checkMarks[name]).toBe('·')
      expect(result.stdout).toContain(explanation)
      expect(result.stdout).toContain('Result: invalid proof')
    })
  }

  it('explains a jwk with private members (a leaked private key)', async () => {
    const jwk = JSON.parse(await readFile(key.path, 'utf8'))
    const header = Buffer.from(JSON.stringify({ typ: 'dpop+jwt', alg: 'ES256', jwk })).toString('base64url')
    const [, payload, signature] = (await proof()).split('.')
    const result = await verify(`${header}.${payload}.${signature}`)
    expect(result.exitCode).toBe(1)
    expect(marks(result.stdout)).toMatchObject({ typ: '✓', alg: '✓', jwk: '✗', claims: '·' })
    expect(result.stdout).toContain('leaked its private key')
  })

  it('§4.3 step 5: an alg outside the accepted list is ✗ alg; --algs widens the list', async () => {
    const edKey = await createKeyFile(directory.path, 'ed25519.jwk', 'Ed25519')
    const value = await proof([], edKey.path)
    const rejected = await verify(value, ['--algs', 'ES256,EdDSA'])
    expect(rejected.exitCode).toBe(1)
    expect(marks(rejected.stdout)).toMatchObject({ typ: '✓', alg: '✗', jwk: '·' })
    expect(rejected.stdout).toContain('header alg "Ed25519" is not one of the accepted ES256, EdDSA (--algs)')
    expect((await verify(value, ['--algs', 'Ed25519'])).exitCode).toBe(0)
    const bad = await verify(value, ['--algs', 'HS256'])
    expect(bad.exitCode).toBe(2)
    expect(bad.stderr).toContain('--algs takes a comma-separated list')
  })

  it('§4.3 step 3: a missing iat is ✗ claims before htm; a non-string nonce (checked after ath) leaves htm…ath ✓', async () => {
    const jwk = JSON.parse(await readFile(key.path, 'utf8'))
    const { d: _d, ...publicJwk } = jwk
    const keyPair = {
      privateKey: (await importJWK(jwk, 'ES256')) as CryptoKey,
      publicKey: (await importJWK(publicJwk, 'ES256', { extractable: true })) as CryptoKey,
    }
    const withNonce = await createProof(keyPair, { htm: 'GET', htu: HTU, iat: NOW, claims: { nonce: 42 } })
    const late = await runCaptured(['verify', withNonce, '--htm', 'GET', '--htu', HTU], {
      now: () => NOW * 1000,
    })
    expect(late.exitCode).toBe(1)
    expect(marks(late.stdout)).toMatchObject({
      claims: '✗',
      htm: '✓',
      iat: '✓',
      ath: '-',
      signature: '·',
      jkt: '·',
    })
    expect(late.stdout).toContain('"nonce" must be a string')

    const withoutIat = await createProof(keyPair, { htm: 'GET', htu: HTU, claims: {}, iat: Number.NaN })
    const early = await verify(withoutIat)
    expect(early.exitCode).toBe(1)
    expect(marks(early.stdout)).toMatchObject({ jwk: '✓', claims: '✗', htm: '·', signature: '·' })
  })

  it('--json: { valid, header, claims, jkt, checks[], error }', async () => {
    const good = JSON.parse((await verify(await proof(), ['--json'])).stdout)
    expect(good).toMatchObject({
      valid: true,
      jkt: key.thumbprint,
      header: { typ: 'dpop+jwt' },
      claims: { htm: 'GET' },
    })
    expect(good.error).toBeUndefined()
    expect(good.checks.map((c: { name: string }) => c.name)).toEqual([
      'syntax',
      'typ',
      'alg',
      'jwk',
      'claims',
      'htm',
      'htu',
      'iat',
      'ath',
      'signature',
      'jkt',
    ])
    const bad = await runCaptured(['verify', await proof(), '--htm', 'PUT', '--htu', HTU, '--json'], {
      now: () => NOW * 1000,
    })
    expect(bad.exitCode).toBe(1)
    const output = JSON.parse(bad.stdout)
    expect(output.valid).toBe(false)
    expect(output.error).toMatchObject({ reason: 'htm' })
    expect(output.checks.find((c: { name: string }) => c.name === 'htm')).toMatchObject({
      status: 'failed',
      explanation: 'the proof was made for method "GET", the request uses "PUT"',
    })
    expect(output.checks.find((c: { name: string }) => c.name === 'htu').status).toBe('not_checked')
  })

  it('reads PROOF from stdin with "-", and takes a pasted "DPoP: …" header line', async () => {
    const value = await proof()
    const fromStdin = await runCaptured(['verify', '-', '--htm', 'GET', '--htu', HTU], {
      now: () => NOW * 1000,
      stdin: [Buffer.from(`${value.slice(0, 10)}`), `${value.slice(10)}\n`],
    })
    expect(fromStdin.exitCode).toBe(0)
    expect((await verify(`DPoP: ${value}`)).exitCode).toBe(0)
    const noStdin = await verify('-')
    expect(noStdin.exitCode).toBe(2)
    expect(noStdin.stderr).toContain('reads standard input')
  })

  it('explains something that is not a proof at all', async () => {
    const result = await verify('hello')
    expect(result.exitCode).toBe(1)
    expect(marks(result.stdout)).toMatchObject({ syntax: '✗', typ: '·' })
    expect(result.stdout).toContain('(not decodable)')
  })

  it('answers a missing PROOF or --htu with exit code 2', async () => {
    expect((await runCaptured(['verify', '--htm', 'GET', '--htu', HTU])).exitCode).toBe(2)
    const result = await runCaptured(['verify', await proof(), '--htm', 'GET'])
    expect(result.exitCode).toBe(2)
    expect(result.stderr).toContain('missing required option --htu')
  })
})
