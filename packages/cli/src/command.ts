import type { CommandIo } from './command-io.js'
import type { ParsedArguments } from './parse-command-arguments.js'

export interface CommandOption {
  type: 'string' | 'boolean'
  short?: string
  /** May be given several times (`-H a -H b`). */
  multiple?: boolean
  /** The placeholder shown in help, e.g. `FILE`. */
  placeholder?: string
  description: string
}

export interface CommandPositional {
  name: string
  description: string
}

/** What a command sees when it runs. */
export interface CommandContext {
  io: CommandIo
  arguments: ParsedArguments
  /** `--json` was given: print one JSON document on stdout. */
  json: boolean
  /** Writes a line on stdout. */
  print(line: string): void
  /** Writes a line on stderr (warnings and hints that must not pollute stdout). */
  warn(line: string): void
}

export interface Command {
  name: string
  summary: string
  usage: string
  description: string
  positionals: readonly CommandPositional[]
  options: Readonly<Record<string, CommandOption>>
  examples: readonly string[]
  /** Returns the exit code. */
  run(context: CommandContext): Promise<number>
}
