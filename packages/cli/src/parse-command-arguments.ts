import { parseArgs } from 'node:util'
import type { Command, CommandOption } from './command.js'
import { UsageError } from './usage-error.js'

/** The options every command takes. */
export const COMMON_OPTIONS: Readonly<Record<string, CommandOption>> = {
  json: { type: 'boolean', description: 'print one JSON document on stdout (errors too)' },
  help: { type: 'boolean', short: 'h', description: 'show this help' },
}

/** Typed access to parsed options, with the usage errors a command needs. */
export interface ParsedArguments {
  positionals: readonly string[]
  string(name: string): string | undefined
  requireString(name: string): string
  flag(name: string): boolean
  list(name: string): readonly string[]
}

function firstSentence(message: string): string {
  const sentence = message.split(/\.\s/)[0] ?? message
  return sentence.charAt(0).toLowerCase() + sentence.slice(1).replace(/\.$/, '')
}

/**
 * Joins a string option with a following value that starts with "-" (`--token -x…` → `--token=-x…`), as
 * getopt would: base64url tokens, thumbprints and proofs can begin with "-", which parseArgs alone calls
 * ambiguous. A following word that is itself one of the command's options is left alone.
 */
function attachDashValues(
  argv: readonly string[],
  config: Record<string, { type: 'string' | 'boolean'; short?: string }>,
): string[] {
  const stringOptions = new Map<string, string>()
  const known = new Set<string>(['--'])
  for (const [name, option] of Object.entries(config)) {
    known.add(`--${name}`)
    if (option.short !== undefined) known.add(`-${option.short}`)
    if (option.type !== 'string') continue
    stringOptions.set(`--${name}`, name)
    if (option.short !== undefined) stringOptions.set(`-${option.short}`, name)
  }
  const result: string[] = []
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index] as string
    if (arg === '--') {
      result.push(...argv.slice(index))
      break
    }
    const name = stringOptions.get(arg)
    const next = argv[index + 1]
    const takesDashValue = next?.startsWith('-') === true && !known.has(next.split('=')[0] as string)
    if (name !== undefined && takesDashValue) {
      result.push(`--${name}=${next as string}`)
      index++
    } else {
      result.push(arg)
    }
  }
  return result
}

/** Parses `argv` of one command with node:util parseArgs (strict): unknown options are usage errors. */
export function parseCommandArguments(command: Command, argv: readonly string[]): ParsedArguments {
  const options = { ...command.options, ...COMMON_OPTIONS }
  const config: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {}
  for (const [name, option] of Object.entries(options)) {
    config[name] = {
      type: option.type,
      ...(option.short === undefined ? {} : { short: option.short }),
      ...(option.multiple === undefined ? {} : { multiple: option.multiple }),
    }
  }
  let parsed: ReturnType<typeof parseArgs>
  try {
    parsed = parseArgs({
      args: attachDashValues(argv, config),
      options: config,
      strict: true,
      allowPositionals: true,
    })
  } catch (error) {
    throw new UsageError(firstSentence(error instanceof Error ? error.message : String(error)))
  }
  const values = parsed.values as Record<string, string | boolean | string[] | undefined>
  const help = values['help'] === true
  if (!help && parsed.positionals.length > command.positionals.length) {
    throw new UsageError(
      command.positionals.length === 0
        ? 'this command takes no arguments'
        : `too many arguments (expected ${command.positionals.map((p) => p.name).join(' ')})`,
    )
  }
  const string = (name: string): string | undefined => {
    const value = values[name]
    return typeof value === 'string' ? value : undefined
  }
  return {
    positionals: parsed.positionals,
    string,
    requireString(name) {
      const value = string(name)
      if (value === undefined || value === '') throw new UsageError(`missing required option --${name}`)
      return value
    },
    flag: (name) => values[name] === true,
    list(name) {
      const value = values[name]
      return Array.isArray(value) ? value : typeof value === 'string' ? [value] : []
    },
  }
}
