import { defineConfig, type ViteUserConfig } from 'vitest/config'

/**
 * The test settings every package shares. The timeouts are hang guards, not speed checks: CI machines are
 * shared and slower than a laptop, and a suite that signs thousands of proofs must not fail for that.
 */
export function packageTestConfig(test: NonNullable<ViteUserConfig['test']> = {}) {
  return defineConfig({
    test: {
      include: ['src/**/*.test.ts'],
      testTimeout: 30_000,
      hookTimeout: 60_000,
      ...test,
    },
  })
}
