import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

// @dpop/core must run unchanged in browsers, Deno, Bun and workers: only Web Crypto and jose.
describe('runtime neutrality', () => {
  it('imports nothing but jose and its own modules', () => {
    const dir = new URL('.', import.meta.url).pathname
    for (const file of readdirSync(dir)) {
      if (!file.endsWith('.ts') || file.endsWith('.test.ts') || file === 'test-support.ts') continue
      const source = readFileSync(join(dir, file), 'utf8')
      for (const [, specifier] of source.matchAll(/from '([^']+)'/g)) {
        expect(specifier === 'jose' || specifier?.startsWith('./'), `${file} imports ${specifier}`).toBe(true)
      }
      // No Node globals; platform-crypto.ts alone reaches node:crypto and node:buffer through getBuiltinModule.
      expect(source).not.toMatch(
        file === 'platform-crypto.ts' ? /\b(require\(|process\.)/ : /\b(require\(|process\.|Buffer\b)/,
      )
    }
  })
})
