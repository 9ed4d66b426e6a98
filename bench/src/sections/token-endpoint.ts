import type { SectionResult } from '../report.js'
import type { BenchSettings } from '../settings.js'
export async function runTokenEndpoint(_settings: BenchSettings): Promise<SectionResult[]> {
  return []
}
