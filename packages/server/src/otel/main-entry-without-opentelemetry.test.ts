import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'

const SRC = join(import.meta.dirname, '..')

function sources(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name)
    if (entry.isDirectory()) return sources(path)
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : []
  })
}

describe('@opentelemetry/api is an optional peer dependency', () => {
  it('only the @dpop/server/otel entry imports it: the main entry works without it installed', () => {
    const importers = sources(SRC)
      .filter((path) => /from '@opentelemetry\//.test(readFileSync(path, 'utf8')))
      .map((path) => relative(SRC, path))
    expect(importers.length).toBeGreaterThan(0)
    for (const importer of importers) expect(importer).toMatch(/^otel\//)
    // Nor does anything outside it import the otel folder, which would pull it into the main entry.
    const otelImporters = sources(SRC)
      .filter((path) => !relative(SRC, path).startsWith('otel/'))
      .filter((path) => /from '(\.\.?\/)+otel\//.test(readFileSync(path, 'utf8')))
    expect(otelImporters).toEqual([])
  })
})
