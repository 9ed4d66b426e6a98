// Test-only helper (not exported from the package).
import { vi } from 'vitest'
import type { DPoPLogger } from './logger.js'

/** A logger whose calls tests can inspect. */
export function loggerSpy() {
  return {
    info: vi.fn<DPoPLogger['info']>(),
    warn: vi.fn<DPoPLogger['warn']>(),
    error: vi.fn<DPoPLogger['error']>(),
  }
}
