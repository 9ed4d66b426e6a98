import type { Command, CommandOption } from './command.js'
import { COMMON_OPTIONS } from './parse-command-arguments.js'

function optionLabel(name: string, option: CommandOption): string {
  const flag = option.short === undefined ? `    --${name}` : `-${option.short}, --${name}`
  return option.type === 'string' ? `${flag} ${option.placeholder ?? 'VALUE'}` : flag
}

function table(rows: ReadonlyArray<readonly [string, string]>): string[] {
  const width = Math.max(...rows.map(([label]) => label.length))
  return rows.map(([label, text]) => `  ${label.padEnd(width)}  ${text}`)
}

/** The `--help` text of one command. */
export function formatCommandHelp(command: Command): string {
  const lines = [`Usage: ${command.usage}`, '', command.description]
  if (command.positionals.length > 0) {
    lines.push('', 'Arguments:', ...table(command.positionals.map((p) => [p.name, p.description] as const)))
  }
  const options = Object.entries({ ...command.options, ...COMMON_OPTIONS })
  lines.push(
    '',
    'Options:',
    ...table(options.map(([name, option]) => [optionLabel(name, option), option.description] as const)),
  )
  if (command.examples.length > 0) lines.push('', 'Examples:', ...command.examples.map((e) => `  ${e}`))
  return `${lines.join('\n')}\n`
}

/** The `dpop --help` text. */
export function formatGlobalHelp(commands: readonly Command[]): string {
  return [
    'dpop: DPoP (RFC 9449) keys, proofs, verification, tokens and requests from the command line',
    '',
    'Usage: dpop <command> [options]',
    '',
    'Commands:',
    ...table([
      ...commands.map((command) => [command.name, command.summary] as const),
      [
        'conformance',
        'run hostile DPoP proofs against your own server and resources (@dpop/conformance)',
      ] as const,
    ]),
    '',
    'Every command takes --json (one JSON document on stdout) and --help.',
    'Run "dpop <command> --help" for the options of a command.',
    'Exit codes: 0 success, 1 failure (invalid proof, refused request), 2 usage error.',
    '',
  ].join('\n')
}
