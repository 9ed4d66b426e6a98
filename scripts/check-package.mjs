// Lints the package in the current directory as it would be published: `pnpm pack` (which applies publishConfig
// and replaces workspace: ranges), then publint --strict and attw's default profile on that tarball.
// Usage: node ../../scripts/check-package.mjs [tarball]   (with a tarball: check it instead of packing)
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

function run(command, args) {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
  } catch (error) {
    process.stdout.write(error.stdout ?? '')
    process.stderr.write(error.stderr ?? '')
    console.error(`check-package: ${command} ${args.join(' ')} failed`)
    process.exit(1)
  }
}

let tarball = process.argv[2] && resolve(process.argv[2])
let directory
if (!tarball) {
  directory = mkdtempSync(join(tmpdir(), 'dpop-pack-'))
  // prepack is skipped here: the turbo task depends on build, which just ran.
  run('pnpm', ['pack', '--config.ignore-scripts=true', '--pack-destination', directory])
  const [file] = readdirSync(directory).filter((name) => name.endsWith('.tgz'))
  tarball = join(directory, file)
}
try {
  const publint = run('pnpm', ['exec', 'publint', 'run', tarball, '--strict'])
  const attw = run('pnpm', ['exec', 'attw', tarball, '--format', 'table-flipped'])
  console.log(`${publint.trim().split('\n').at(-1)}\n${attw.trim().split('\n')[0]}`)
} finally {
  if (directory) rmSync(directory, { recursive: true, force: true })
}
