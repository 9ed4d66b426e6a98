import { accessSync, constants } from 'node:fs'
import { delimiter, isAbsolute, join } from 'node:path'

/** The system programs some suites start for real, with the Debian package that provides each. */
const PROGRAMS = {
  'redis-server': 'redis-server',
  '/usr/bin/chromium': 'chromium',
  curl: 'curl',
} as const

export type RequiredProgram = keyof typeof PROGRAMS

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK)
    return true
  } catch {
    return false
  }
}

function found(program: RequiredProgram): boolean {
  if (isAbsolute(program)) return isExecutable(program)
  return (process.env['PATH'] ?? '')
    .split(delimiter)
    .some((directory) => isExecutable(join(directory, program)))
}

/**
 * Throws, before a suite starts `program`, an error of one line (no stack trace: nothing in the code is
 * wrong) saying what is missing and how to install it.
 */
export function requireProgram(program: RequiredProgram): void {
  if (found(program)) return
  const error = new Error(
    `${program} is not installed: \`sudo apt-get install ${PROGRAMS[program]}\`, or run \`bash .ci/run\`, which installs it and runs every check`,
  )
  error.stack = error.message
  throw error
}
