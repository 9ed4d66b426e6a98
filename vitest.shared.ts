import { defineConfig, type ViteUserConfig } from 'vitest/config'

/**
 * Workspace packages resolve to their TypeScript sources (the `@dpop/source` export condition), so tests run
 * without building the packages they import; the rest are Vite's default conditions.
 */
const conditions = ['@dpop/source', 'module', 'node', 'development|production']

/**
 * The test settings every package shares. The timeouts are hang guards, not speed checks: CI machines are
 * shared and slower than a laptop, and a suite that signs thousands of proofs must not fail for that.
 */
export function packageTestConfig(test: NonNullable<ViteUserConfig['test']> = {}) {
  return defineConfig({
    resolve: { conditions },
    ssr: { resolve: { conditions } },
    test: {
      include: ['src/**/*.test.ts'],
      testTimeout: 30_000,
      hookTimeout: 60_000,
      ...test,
    },
  })
}
