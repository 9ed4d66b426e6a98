import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { CommandIo } from './command-io.js'
import { run } from './run.js'

export interface CapturedRun {
  exitCode: number
  stdout: string
  stderr: string
}

/** Runs `dpop` in-process with captured output. */
export async function runCaptured(
  argv: readonly string[],
  io: Partial<CommandIo> = {},
): Promise<CapturedRun> {
  let stdout = ''
  let stderr = ''
  const exitCode = await run(argv, {
    ...io,
    stdout: { write: (chunk: string) => (stdout += chunk) },
    stderr: { write: (chunk: string) => (stderr += chunk) },
  })
  return { exitCode, stdout, stderr }
}

/** A fresh temporary directory and its removal. */
export async function temporaryDirectory(): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'dpop-cli-'))
  return { path, remove: () => rm(path, { recursive: true, force: true }) }
}

/** Writes a new key file (ES256 by default) with `dpop keygen` and returns its path and thumbprint. */
export async function createKeyFile(
  directory: string,
  name = 'key.jwk',
  alg = 'ES256',
): Promise<{ path: string; thumbprint: string }> {
  const path = join(directory, name)
  const result = await runCaptured(['keygen', '--out', path, '--alg', alg])
  if (result.exitCode !== 0) throw new Error(`keygen failed: ${result.stderr}`)
  return { path, thumbprint: result.stdout.trim() }
}
