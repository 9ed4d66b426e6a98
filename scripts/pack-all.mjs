// The release dry run: `pnpm pack` of every published package into .packs/ (what `changeset publish` would
// upload: publishConfig applied, workspace: ranges replaced), with each tarball's size.
import { execFileSync } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'

const root = resolve(import.meta.dirname, '..')
const destination = join(root, '.packs')
rmSync(destination, { recursive: true, force: true })
mkdirSync(destination)
for (const name of readdirSync(join(root, 'packages'))) {
  const directory = join(root, 'packages', name)
  const manifest = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8'))
  if (manifest.private) continue
  try {
    // Scripts skipped: this runs after `pnpm build` (prepack would only confirm the build through turbo).
    execFileSync('pnpm', ['pack', '--config.ignore-scripts=true', '--pack-destination', destination], {
      cwd: directory,
      stdio: ['ignore', 'ignore', 'pipe'],
    })
  } catch (error) {
    process.stderr.write(error.stderr ?? '')
    console.error(`pack-all: pnpm pack failed in packages/${name}`)
    process.exit(1)
  }
}
for (const file of readdirSync(destination)) {
  console.log(
    `  ${file.padEnd(34)} ${(statSync(join(destination, file)).size / 1024).toFixed(1).padStart(7)} kB`,
  )
}
