import { defineConfig } from 'tsup'

export default defineConfig({
  // `testing`: the workspace's helper that starts a real redis-server (for the bench), built beside the package
  // but neither exported nor packed when published (see publishConfig.exports and files).
  entry: { index: 'src/index.ts', testing: 'src/testing/start-redis.ts' },
  format: ['esm', 'cjs'],
  // Declarations against the built declarations of the other packages, not their sources.
  dts: { compilerOptions: { customConditions: [] } },
  clean: true,
  target: 'es2022',
})
