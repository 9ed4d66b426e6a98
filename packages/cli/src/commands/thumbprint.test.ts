import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createKeyFile, runCaptured, temporaryDirectory } from '../test-support.js'

let directory: Awaited<ReturnType<typeof temporaryDirectory>>
beforeEach(async () => {
  directory = await temporaryDirectory()
})
afterEach(() => directory.remove())

describe('dpop thumbprint (RFC 7638)', () => {
  it('gives the same thumbprint for the private JWK and its public part', async () => {
    const key = await createKeyFile(directory.path)
    const { kty, crv, x, y } = JSON.parse(await readFile(key.path, 'utf8'))
    const publicPath = join(directory.path, 'public.jwk')
    await writeFile(publicPath, JSON.stringify({ kty, crv, x, y, kid: 'ignored', use: 'sig' }))
    expect((await runCaptured(['thumbprint', key.path])).stdout).toBe(`${key.thumbprint}\n`)
    expect((await runCaptured(['thumbprint', publicPath])).stdout).toBe(`${key.thumbprint}\n`)
    expect(JSON.parse((await runCaptured(['thumbprint', publicPath, '--json'])).stdout)).toEqual({
      thumbprint: key.thumbprint,
    })
  })

  it('answers a symmetric key, a non-JSON file and a missing file with exit code 2', async () => {
    const octPath = join(directory.path, 'oct.jwk')
    await writeFile(octPath, JSON.stringify({ kty: 'oct', k: 'c2VjcmV0' }))
    const textPath = join(directory.path, 'text.jwk')
    await writeFile(textPath, 'not json')
    const cases = [
      [octPath, 'symmetric key'],
      [textPath, 'is not JSON'],
      [join(directory.path, 'missing.jwk'), 'cannot read key file'],
    ] as const
    for (const [path, message] of cases) {
      const result = await runCaptured(['thumbprint', path])
      expect(result.exitCode).toBe(2)
      expect(result.stderr).toContain(message)
      expect(result.stderr).not.toMatch(/\n\s+at /)
    }
  })
})
