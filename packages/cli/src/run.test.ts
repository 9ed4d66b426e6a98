import { describe, expect, it } from 'vitest'
import { runCaptured } from './test-support.js'

const COMMANDS = ['keygen', 'thumbprint', 'proof', 'verify', 'token', 'fetch']

describe('run: help and usage errors', () => {
  it('dpop --help lists every command and exits 0', async () => {
    for (const argv of [['--help'], ['-h'], ['help']]) {
      const result = await runCaptured(argv)
      expect(result.exitCode).toBe(0)
      for (const name of COMMANDS) expect(result.stdout).toMatch(new RegExp(`^  ${name} `, 'm'))
    }
  })

  it('every command has --help with its usage and options, even next to missing required options', async () => {
    for (const name of COMMANDS) {
      const result = await runCaptured([name, '--help'])
      expect(result.exitCode).toBe(0)
      expect(result.stdout).toMatch(new RegExp(`^Usage: dpop ${name}`))
      expect(result.stdout).toContain('--json')
      expect((await runCaptured(['help', name])).stdout).toBe(result.stdout)
    }
  })

  it('no command prints the help on stderr with exit code 2', async () => {
    const result = await runCaptured([])
    expect(result.exitCode).toBe(2)
    expect(result.stdout).toBe('')
    expect(result.stderr).toContain('Usage: dpop <command>')
  })

  it('an unknown command, an unknown option and a stray argument exit 2 with a message', async () => {
    const cases = [
      [['frobnicate'], 'dpop: unknown command "frobnicate"'],
      [['--verbose'], 'dpop: expected a command before options'],
      [['help', 'frobnicate'], 'dpop: unknown command'],
      [['keygen', '--colour'], "dpop keygen: unknown option '--colour'"],
      [['keygen', 'extra'], 'dpop keygen: this command takes no arguments'],
      [['thumbprint', 'a.jwk', 'b.jwk'], 'dpop thumbprint: too many arguments'],
      [['keygen', '--out'], "dpop keygen: option '--out <value>' argument missing"],
    ] as const
    for (const [argv, message] of cases) {
      const result = await runCaptured(argv)
      expect(result.exitCode, argv.join(' ')).toBe(2)
      expect(result.stderr).toContain(message)
      expect(result.stderr).toContain('--help" for usage')
    }
  })

  it('--json turns a usage error into { error: "usage_error", message } on stdout', async () => {
    const result = await runCaptured(['proof', '--json', '--htm', 'GET'])
    expect(result.exitCode).toBe(2)
    expect(JSON.parse(result.stdout)).toEqual({
      error: 'usage_error',
      message: 'missing required option --key',
    })
  })
})
