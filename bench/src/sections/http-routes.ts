import type { SectionResult } from '../report.js'
import type { BenchSettings } from '../settings.js'
export async function runHttpRoutes(_settings: BenchSettings): Promise<SectionResult[]> {
  return []
}
