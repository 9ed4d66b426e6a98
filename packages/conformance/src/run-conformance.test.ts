import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { formatReport } from './format-report.js'
import { runConformance } from './run-conformance.js'
import { type LoopbackTarget, startLoopbackTarget } from './test-support.js'

describe('runConformance against a correct deployment', () => {
  let deployment: LoopbackTarget
  beforeAll(async () => {
    deployment = await startLoopbackTarget()
  })
  afterAll(() => deployment.close())

  it('passes every case', async () => {
    const report = await runConformance(deployment.target)
    console.log(formatReport(report))
    expect(report.results.filter((r) => r.outcome === 'fail')).toEqual([])
  })
})
