import { defineConfig } from 'tsup'

export default defineConfig({
  entry: { index: 'src/index.ts', otel: 'src/otel/index.ts' },
  format: ['esm', 'cjs'],
  // Declarations against the built declarations of the other packages, not their sources.
  dts: { compilerOptions: { customConditions: [] } },
  clean: true,
  target: 'es2022',
})
