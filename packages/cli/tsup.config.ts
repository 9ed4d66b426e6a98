import { defineConfig } from 'tsup'

// No `clean`: the two builds run in parallel into one dist, and one would delete the other's files.
export default defineConfig([
  {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    target: 'es2022',
  },
  {
    // The bin: ESM only, and esbuild keeps the entry's `#!/usr/bin/env node` line.
    entry: ['src/cli.ts'],
    format: ['esm'],
    sourcemap: true,
    target: 'es2022',
  },
])
