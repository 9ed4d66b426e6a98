import { readFile, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { calculateJwkThumbprint } from '@dpop/core'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runCaptured, temporaryDirectory } from '../test-support.js'

let directory: Awaited<ReturnType<typeof temporaryDirectory>>
beforeEach(async () => {
  directory = await temporaryDirectory()
})
afterEach(() => directory.remove())

describe('dpop keygen', () => {
  it('writes a private JWK with alg, mode 0600, and prints its RFC 7638 thumbprint', async () => {
    const path = join(directory.path, 'key.jwk')
    const result = await runCaptured(['keygen', '--out', path])
    expect(result.exitCode).toBe(0)
    expect((await stat(path)).mode & 0o777).toBe(0o600)
    const jwk = JSON.parse(await readFile(path, 'utf8'))
    expect(jwk).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256' })
    expect(typeof jwk.d).toBe('string')
    const { kty, crv, x, y } = jwk
    expect(result.stdout).toBe(`${await calculateJwkThumbprint({ kty, crv, x, y })}\n`)
  })

  it('refuses to overwrite an existing file unless --force, and --force leaves it 0600', async () => {
    const path = join(directory.path, 'key.jwk')
    await writeFile(path, 'precious', { mode: 0o644 })
    const refused = await runCaptured(['keygen', '--out', path])
    expect(refused.exitCode).toBe(2)
    expect(refused.stderr).toContain('already exists (use --force')
    expect(await readFile(path, 'utf8')).toBe('precious')

    const forced = await runCaptured(['keygen', '--out', path, '--force', '--alg', 'EdDSA'])
    expect(forced.exitCode).toBe(0)
    expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({
      kty: 'OKP',
      crv: 'Ed25519',
      alg: 'EdDSA',
    })
    expect((await stat(path)).mode & 0o777).toBe(0o600)
  })

  it('prints the JWK on stdout without --out, and the thumbprint on stderr', async () => {
    const result = await runCaptured(['keygen', '--alg', 'ES384'])
    expect(result.exitCode).toBe(0)
    const jwk = JSON.parse(result.stdout)
    expect(jwk).toMatchObject({ kty: 'EC', crv: 'P-384', alg: 'ES384' })
    const { kty, crv, x, y } = jwk
    expect(result.stderr).toBe(`thumbprint: ${await calculateJwkThumbprint({ kty, crv, x, y })}\n`)
  })

  it('--json gives { alg, thumbprint, file } or { alg, thumbprint, jwk }', async () => {
    const path = join(directory.path, 'key.jwk')
    const toFile = JSON.parse((await runCaptured(['keygen', '--out', path, '--json'])).stdout)
    expect(Object.keys(toFile).sort()).toEqual(['alg', 'file', 'thumbprint'])
    expect(toFile.file).toBe(path)
    const inline = JSON.parse((await runCaptured(['keygen', '--json'])).stdout)
    expect(Object.keys(inline).sort()).toEqual(['alg', 'jwk', 'thumbprint'])
    expect(inline.jwk.alg).toBe('ES256')
  })

  it('rejects an unsupported --alg with exit code 2', async () => {
    const result = await runCaptured(['keygen', '--alg', 'HS256'])
    expect(result.exitCode).toBe(2)
    expect(result.stderr).toContain('unsupported --alg')
    expect(result.stdout).toBe('')
  })
})
