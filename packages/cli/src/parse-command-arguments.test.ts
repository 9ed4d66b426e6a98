import { describe, expect, it } from 'vitest'
import type { Command } from './command.js'
import { parseCommandArguments } from './parse-command-arguments.js'
import { UsageError } from './usage-error.js'

const command: Command = {
  name: 'test',
  summary: '',
  usage: '',
  description: '',
  positionals: [{ name: 'URL', description: '' }],
  options: {
    token: { type: 'string', description: '' },
    header: { type: 'string', short: 'H', multiple: true, description: '' },
    verbose: { type: 'boolean', description: '' },
  },
  examples: [],
  run: async () => 0,
}

describe('parseCommandArguments', () => {
  it('takes a value that starts with "-" (a base64url token can), for long and short options', () => {
    const parsed = parseCommandArguments(command, ['--token', '-Ab_c', '-H', '-x: y', 'https://x.test'])
    expect(parsed.string('token')).toBe('-Ab_c')
    expect(parsed.list('header')).toEqual(['-x: y'])
    expect(parsed.positionals).toEqual(['https://x.test'])
  })

  it('a following option name is not taken as a value: a missing value stays a usage error', () => {
    expect(() => parseCommandArguments(command, ['--token', '--verbose'])).toThrow(UsageError)
    expect(() => parseCommandArguments(command, ['--token', '--json'])).toThrow(UsageError)
    expect(() => parseCommandArguments(command, ['--token'])).toThrow(UsageError)
  })

  it('arguments after "--" are positionals, never option values', () => {
    const parsed = parseCommandArguments(command, ['--token', 'a', '--', '-x'])
    expect(parsed.string('token')).toBe('a')
    expect(parsed.positionals).toEqual(['-x'])
  })
})
