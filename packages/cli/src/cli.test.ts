import { execFile, execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { verifyProof } from '@dpop/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { temporaryDirectory } from './test-support.js'

const packageDirectory = dirname(dirname(fileURLToPath(import.meta.url)))
const binary = join(packageDirectory, 'dist', 'cli.js')
const run = promisify(execFile)

function newestSource(directory: string): number {
  let newest = 0
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name)
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path))
    else if (!/\.test\.ts$|^test-/.test(entry.name)) newest = Math.max(newest, statSync(path).mtimeMs)
  }
  return newest
}

async function dpop(argv: readonly string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, [binary, ...argv])
    return { exitCode: 0, stdout, stderr }
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string }
    return { exitCode: failed.code, stdout: failed.stdout, stderr: failed.stderr }
  }
}

let directory: Awaited<ReturnType<typeof temporaryDirectory>>
beforeAll(async () => {
  // The binary under test is the built one: rebuild it when the sources are newer.
  if (!existsSync(binary) || statSync(binary).mtimeMs < newestSource(join(packageDirectory, 'src'))) {
    execFileSync('npx', ['tsup'], { cwd: packageDirectory, stdio: 'ignore' })
  }
  directory = await temporaryDirectory()
}, 120_000)
afterAll(() => directory.remove())

describe('the dpop binary, as a curl user runs it', () => {
  it('is an ESM file starting with #!/usr/bin/env node', () => {
    expect(readFileSync(binary, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node')
  })

  it('keygen, then proof prints exactly one JWT line for -H "DPoP: $(dpop proof …)"', async () => {
    const keyPath = join(directory.path, 'key.jwk')
    const keygen = await dpop(['keygen', '--out', keyPath])
    expect(keygen.exitCode).toBe(0)
    const htu = 'https://as.example.com/oauth2/token'
    const proof = await dpop(['proof', '--key', keyPath, '--htm', 'POST', '--htu', htu])
    expect(proof).toMatchObject({ exitCode: 0, stderr: '' })
    expect(proof.stdout).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\n$/)
    const verified = await verifyProof(
      proof.stdout.trim(),
      { method: 'POST', url: htu, header: () => undefined },
      { replayStore: false, expectedThumbprint: keygen.stdout.trim() },
    )
    expect(verified.claims.htu).toBe(htu)
  })

  it('dpop verify - reads the proof from a pipe', async () => {
    const keyPath = join(directory.path, 'pipe.jwk')
    expect((await dpop(['keygen', '--out', keyPath])).exitCode).toBe(0)
    const htu = 'https://api.example.com/items'
    const proof = (await dpop(['proof', '--key', keyPath, '--htm', 'GET', '--htu', htu])).stdout
    const output = execFileSync(process.execPath, [binary, 'verify', '-', '--htm', 'GET', '--htu', htu], {
      input: proof,
      encoding: 'utf8',
    })
    expect(output).toContain('Result: valid proof')
  })

  it('a usage error exits 2 with a message and no stack trace', async () => {
    const result = await dpop(['proof', '--htm', 'POST'])
    expect(result.exitCode).toBe(2)
    expect(result.stdout).toBe('')
    expect(result.stderr).toBe(
      'dpop proof: missing required option --key\nRun "dpop proof --help" for usage.\n',
    )
  })
})
