import { describe, expect, it } from 'vitest'
import { counterChanges, formatCounterChanges, metricsUrl, parseCounters } from './demo-counters.js'

const BEFORE = `# HELP target_info Target metadata
# TYPE target_info gauge
target_info{service_name="x"} 1
# HELP dpop_proofs_total DPoP proofs verified
# TYPE dpop_proofs_total counter
dpop_proofs_total{dpop_outcome="accepted",dpop_alg="ES256"} 2
# TYPE dpop_proof_duration histogram
dpop_proof_duration_count{dpop_outcome="accepted"} 2
`
const AFTER = `${BEFORE.replace('"ES256"} 2', '"ES256"} 5')}# TYPE dpop_replays_total counter
dpop_replays_total{dpop_source="resource-guard"} 1
`

describe('the counters the demo prints', () => {
  it('reads the counters and histogram counts of the Prometheus text format, no gauge', () => {
    expect([...parseCounters(BEFORE)]).toEqual([
      ['dpop_proofs_total{dpop_outcome="accepted",dpop_alg="ES256"}', 2],
      ['dpop_proof_duration_count{dpop_outcome="accepted"}', 2],
    ])
  })

  it('lists what grew between two scrapes, and says when a server serves no metrics', () => {
    const before = parseCounters(BEFORE)
    const after = parseCounters(AFTER)
    expect(counterChanges(before, after)).toEqual([
      ['dpop_proofs_total{dpop_outcome="accepted",dpop_alg="ES256"}', 3],
      ['dpop_replays_total{dpop_source="resource-guard"}', 1],
    ])
    expect(formatCounterChanges([{ name: 'api', before, after }, { name: 'old' }])).toBe(
      [
        'Counters the steps moved (GET /metrics of each server, Prometheus text format):',
        '  api:',
        '    +3  dpop_proofs_total{dpop_outcome="accepted",dpop_alg="ES256"}',
        '    +1  dpop_replays_total{dpop_source="resource-guard"}',
        '  old: no metrics served',
      ].join('\n'),
    )
  })

  it('finds /metrics at the origin of a resource URL', () => {
    expect(metricsUrl('http://localhost:4001/api/me')).toBe('http://localhost:4001/metrics')
  })
})
