// `pnpm docs`: the API reference of every published package, built from the TSDoc into docs/api/ (git-ignored).
// Entry points come from each package's exports (the @dpop/source condition names the source file), so a new
// subpath export is documented, and its TSDoc checked, without touching this file.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

const root = import.meta.dirname
const entryPoints = []
const packages = []
for (const name of readdirSync(join(root, 'packages')).sort()) {
  const manifest = JSON.parse(readFileSync(join(root, 'packages', name, 'package.json'), 'utf8'))
  if (manifest.private) continue
  packages.push(manifest.name)
  // Only what is published: an entry missing from publishConfig.exports is the workspace's own (a testing helper).
  const published = manifest.publishConfig?.exports
  for (const [path, target] of Object.entries(manifest.exports ?? {})) {
    if (published !== undefined && !(path in published)) continue
    const source = typeof target === 'object' ? target['@dpop/source'] : undefined
    if (source) entryPoints.push(join('packages', name, source))
  }
}

/** @type {Partial<import('typedoc').TypeDocOptions>} */
export default {
  name: 'DPoP toolkit',
  entryPoints,
  tsconfig: 'tsconfig.docs.json',
  out: 'docs/api',
  readme: 'docs/api-reference.md',
  excludePrivate: true,
  excludeInternal: true,
  excludeExternals: true,
  treatWarningsAsErrors: true,
  // Without this TypeDoc only asks for TSDoc in the root package, which publishes nothing.
  packagesRequiringDocumentation: packages,
  validation: { notExported: true, invalidLink: true, notDocumented: true },
}
