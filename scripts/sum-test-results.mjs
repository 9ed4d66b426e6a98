// Sums the vitest JSON reports of every workspace package into one "N passed, N failed" line.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

let passed = 0
let failed = 0
let skipped = 0
let missing = 0
for (const group of ['packages', 'apps', '.']) {
  const dirs =
    group === '.' ? ['bench'] : existsSync(group) ? readdirSync(group).map((d) => join(group, d)) : []
  for (const dir of dirs) {
    const pkg = join(dir, 'package.json')
    if (!existsSync(pkg) || !JSON.parse(readFileSync(pkg, 'utf8')).scripts?.test) continue
    const report = join(dir, 'test-results.json')
    if (!existsSync(report)) {
      missing++
      console.error(`no test report from ${dir}`)
      continue
    }
    const results = JSON.parse(readFileSync(report, 'utf8'))
    passed += results.numPassedTests ?? 0
    failed += results.numFailedTests ?? 0
    skipped += (results.numPendingTests ?? 0) + (results.numTodoTests ?? 0)
    // A suite that failed to load counts as a failure even if it reported no tests.
    if ((results.numFailedTestSuites ?? 0) > 0 && (results.numFailedTests ?? 0) === 0) failed++
  }
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`)
process.exit(failed > 0 || missing > 0 ? 1 : 0)
