import { describe, expect, it } from 'vitest'
import { run } from './run.js'

function capture() {
  let stdout = ''
  let stderr = ''
  return {
    io: { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } },
    out: () => stdout,
    err: () => stderr,
  }
}

describe('dpop conformance', () => {
  it('is listed in the global help and answers --help', async () => {
    const help = capture()
    expect(await run(['--help'], help.io)).toBe(0)
    expect(help.out()).toMatch(/conformance\s+run hostile DPoP proofs/)
    const own = capture()
    expect(await run(['conformance', '--help'], own.io)).toBe(0)
    expect(own.out() + own.err()).toContain('Usage: dpop conformance --issuer URL')
    const topic = capture()
    expect(await run(['help', 'conformance'], topic.io)).toBe(0)
  })

  it('exits 2 on a usage error', async () => {
    const usage = capture()
    expect(await run(['conformance', '--resource', 'https://rs.example/api'], usage.io)).toBe(2)
    expect(usage.err()).toContain('dpop conformance:')
  })
})
