import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { conformanceCommand } from './cli-command.js'
import { type LoopbackTarget, startLoopbackTarget } from './test-support.js'

function io() {
  const out = { stdout: '', stderr: '' }
  return {
    out,
    io: {
      stdout(text: string) {
        out.stdout += text
      },
      stderr(text: string) {
        out.stderr += text
      },
    },
  }
}

describe('conformanceCommand', () => {
  it.each([
    [[]],
    [['--issuer', 'http://127.0.0.1:1', '--client-id', 'x']],
    [['--issuer', 'not a url', '--client-id', 'x', '--resource', 'http://127.0.0.1:1/api']],
    [['--unknown']],
    [
      [
        '--issuer',
        'http://127.0.0.1:1',
        '--client-id',
        'x',
        '--resource',
        'http://127.0.0.1:1/a',
        '--timeout',
        '-1',
      ],
    ],
    [
      [
        '--issuer',
        'http://127.0.0.1:1',
        '--client-id',
        'x',
        '--resource',
        'http://127.0.0.1:1/a',
        '--format',
        'xml',
      ],
    ],
    [
      [
        '--issuer',
        'http://127.0.0.1:1',
        '--client-id',
        'x',
        '--resource',
        'http://127.0.0.1:1/a',
        '--fail-on',
        'skip',
      ],
    ],
    [
      [
        '--issuer',
        'http://127.0.0.1:1',
        '--client-id',
        'x',
        '--resource',
        'http://127.0.0.1:1/a',
        '--json',
        '--format',
        'junit',
      ],
    ],
  ])('answers a usage error with exit code 2: %j', async (argv) => {
    const { out, io: streams } = io()
    expect(await conformanceCommand(argv, streams)).toBe(2)
    expect(out.stderr).toContain('Usage: dpop conformance')
  })

  it('prints help with exit code 0', async () => {
    const { out, io: streams } = io()
    expect(await conformanceCommand(['--help'], streams)).toBe(0)
    expect(out.stdout).toContain('--resource URL')
  })

  describe('against loopback deployments', () => {
    let correct: LoopbackTarget
    let broken: LoopbackTarget
    beforeAll(async () => {
      ;[correct, broken] = await Promise.all([
        startLoopbackTarget(),
        startLoopbackTarget({ broken: 'replay' }),
      ])
    })
    afterAll(async () => {
      await Promise.all([correct.close(), broken.close()])
    })
    const argv = (deployment: LoopbackTarget) => [
      '--issuer',
      deployment.target.issuer,
      '--client-id',
      deployment.target.client.clientId,
      '--client-secret',
      deployment.target.client.clientSecret ?? '',
      '--resource',
      deployment.target.resources[0]?.url ?? '',
      '--cases',
      'proof.typ,replay',
    ]

    it('exits 0 when nothing fails and prints the table', async () => {
      const { out, io: streams } = io()
      expect(await conformanceCommand(argv(correct), streams)).toBe(0)
      expect(out.stdout).toMatch(/^replay\.concurrent:resource\s+RFC 9449 §11\.1\s+pass$/m)
    })

    it('--format junit prints JUnit XML with a failure per failed case', async () => {
      const { out, io: streams } = io()
      expect(await conformanceCommand([...argv(broken), '--format', 'junit'], streams)).toBe(1)
      expect(out.stdout).toMatch(/^<\?xml /)
      expect(out.stdout).toMatch(
        /<testcase classname="dpop.conformance.replay" name="replay.sequential:token: [^"]*">\n(.*\n){4}\s*<failure /,
      )
    })

    it('--fail-on warn exits 1 on a warning, which alone exits 0', async () => {
      const weaker = await startLoopbackTarget({ broken: 'bearer-allowed' })
      try {
        const base = [...argv(weaker).slice(0, -2), '--cases', 'headers.dpop.missing:token']
        const plain = io()
        expect(await conformanceCommand(base, plain.io)).toBe(0)
        expect(plain.out.stdout).toMatch(/^headers\.dpop\.missing:token\s+RFC 9449 §5\s+warn/m)
        expect(await conformanceCommand([...base, '--fail-on', 'warn'], io().io)).toBe(1)
        expect(
          await conformanceCommand(
            [...argv(correct).slice(0, -2), '--cases', 'headers.dpop.missing:token', '--fail-on', 'warn'],
            io().io,
          ),
        ).toBe(0)
      } finally {
        await weaker.close()
      }
    })

    it('exits 1 when a case fails, and --json prints the report', async () => {
      const { out, io: streams } = io()
      expect(await conformanceCommand([...argv(broken), '--json'], streams)).toBe(1)
      const report = JSON.parse(out.stdout)
      expect(report.summary.failed).toBeGreaterThan(0)
      expect(report.results.find((r: { id: string }) => r.id === 'replay.sequential:token').outcome).toBe(
        'fail',
      )
    })
  })
})
