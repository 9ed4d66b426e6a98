import { rmSync } from 'node:fs'
import { defineConfig } from 'tsup'

// The two builds below run in parallel into one dist, so neither may `clean` it: dist is emptied here, once.
rmSync(new URL('./dist', import.meta.url), { recursive: true, force: true })

export default defineConfig([
  {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    // Declarations against the built declarations of the other packages, not their sources.
    dts: { compilerOptions: { customConditions: [] } },
    target: 'es2022',
  },
  {
    // The bin: ESM only, and esbuild keeps the entry's `#!/usr/bin/env node` line.
    entry: ['src/cli.ts'],
    format: ['esm'],
    target: 'es2022',
  },
])
