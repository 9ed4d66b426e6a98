import { conformanceCommand } from '@dpop/conformance'
import { isDPoPError } from '@dpop/core'
import type { Command, CommandContext } from './command.js'
import { CommandFailure } from './command-failure.js'
import type { CommandIo } from './command-io.js'
import { fetchCommand } from './commands/fetch.js'
import { keygenCommand } from './commands/keygen.js'
import { proofCommand } from './commands/proof.js'
import { thumbprintCommand } from './commands/thumbprint.js'
import { tokenCommand } from './commands/token.js'
import { verifyCommand } from './commands/verify.js'
import { formatCommandHelp, formatGlobalHelp } from './format-help.js'
import { parseCommandArguments } from './parse-command-arguments.js'
import { UsageError } from './usage-error.js'

const COMMANDS: readonly Command[] = [
  keygenCommand,
  thumbprintCommand,
  proofCommand,
  verifyCommand,
  tokenCommand,
  fetchCommand,
]

/** Exit code of `run` when the command succeeded. */
export const EXIT_SUCCESS = 0
/** Exit code of `run` when the command failed: a proof did not verify, a request was refused, … */
export const EXIT_FAILURE = 1
/** Exit code of `run` when the command line was wrong: unknown command or option, missing value. */
export const EXIT_USAGE = 2

function reportError(io: CommandIo, json: boolean, command: Command | undefined, error: unknown): number {
  const prefix = command === undefined ? 'dpop' : `dpop ${command.name}`
  if (error instanceof UsageError) {
    if (json) io.stdout.write(`${JSON.stringify({ error: 'usage_error', message: error.message })}\n`)
    io.stderr.write(`${prefix}: ${error.message}\n`)
    io.stderr.write(`Run "${command === undefined ? 'dpop' : prefix} --help" for usage.\n`)
    return EXIT_USAGE
  }
  let code = 'error'
  let message = 'unexpected error'
  let details: Record<string, unknown> = {}
  if (error instanceof CommandFailure) {
    ;({ code, message, details } = error)
  } else if (isDPoPError(error)) {
    code = error.reason
    message = error.description ?? error.message
  } else if (error instanceof Error) {
    // Errors of the platform and libraries: their message, never their stack.
    message = error.message
  }
  if (json) io.stdout.write(`${JSON.stringify({ error: code, message, ...details })}\n`)
  io.stderr.write(`${prefix}: ${message}\n`)
  return EXIT_FAILURE
}

/** `dpop conformance`: the kit of @dpop/conformance, which parses its own options. */
function runConformanceCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  return conformanceCommand([...argv], {
    stdout: (text) => io.stdout.write(text),
    stderr: (text) => io.stderr.write(text),
    ...(io.fetch === undefined ? {} : { fetch: io.fetch }),
  })
}

/**
 * Runs the `dpop` command line: `argv` without the node and script paths (`process.argv.slice(2)`).
 * Resolves to the exit code: 0 success, 1 failure (an invalid proof, a refused request), 2 usage error.
 * Never throws and never prints a stack trace.
 */
export async function run(argv: readonly string[], io: CommandIo): Promise<number> {
  const json = argv.includes('--json')
  const [name, ...rest] = argv
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? rest[0] : undefined
    if (topic === 'conformance') return runConformanceCommand(['--help'], io)
    const command = COMMANDS.find((candidate) => candidate.name === topic)
    if (topic !== undefined && command === undefined) {
      return reportError(io, json, undefined, new UsageError('unknown command (see "dpop --help")'))
    }
    if (name === undefined) {
      io.stderr.write(formatGlobalHelp(COMMANDS))
      return EXIT_USAGE
    }
    io.stdout.write(command === undefined ? formatGlobalHelp(COMMANDS) : formatCommandHelp(command))
    return EXIT_SUCCESS
  }
  if (name === 'conformance') return runConformanceCommand(rest, io)
  const command = COMMANDS.find((candidate) => candidate.name === name)
  if (command === undefined) {
    const message = name.startsWith('-') ? 'expected a command before options' : `unknown command "${name}"`
    return reportError(io, json, undefined, new UsageError(message))
  }
  try {
    const parsed = parseCommandArguments(command, rest)
    if (parsed.flag('help')) {
      io.stdout.write(formatCommandHelp(command))
      return EXIT_SUCCESS
    }
    const context: CommandContext = {
      io,
      arguments: parsed,
      json: parsed.flag('json'),
      print: (line) => io.stdout.write(`${line}\n`),
      warn: (line) => io.stderr.write(`${line}\n`),
    }
    return await command.run(context)
  } catch (error) {
    return reportError(io, json, command, error)
  }
}
