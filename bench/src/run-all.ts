import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { hasTaskset, machineInfo } from './machine.js'
import { type SectionResult, toMarkdown } from './report.js'
import { runCreateProof } from './sections/create-proof.js'
import { runHttpRoutes } from './sections/http-routes.js'
import { runRedis } from './sections/redis.js'
import { runReplayStore } from './sections/replay-store.js'
import { runScaling } from './sections/scaling.js'
import { runTokenEndpoint } from './sections/token-endpoint.js'
import { runVerification } from './sections/verification.js'
import { readSettings } from './settings.js'
import { isWatched, progress, runWatched, startHeartbeat } from './watchdog.js'

const here = dirname(fileURLToPath(import.meta.url))
const args = process.argv.slice(2).filter((argument) => argument !== '--')

// The benchmark runs in a child process that a watchdog in this one watches (a stalled section fails with a
// message instead of hanging), pinned to one core with `taskset -c 0` when there is more than one.
if (!isWatched() && process.env.BENCH_NO_WATCH === undefined) {
  const pin = cpus().length > 1 && hasTaskset() && process.env.BENCH_NO_PIN === undefined
  const node = [process.execPath, '--expose-gc', fileURLToPath(import.meta.url), ...args]
  const quick = args.includes('--quick')
  const stallSeconds = Number(process.env.BENCH_STALL_SECONDS ?? (quick ? 120 : 600))
  process.exit(
    await runWatched(pin ? ['taskset', '-c', '0', ...node] : node, {
      heartbeatSeconds: Math.min(stallSeconds, quick ? 60 : 180),
      progressSeconds: stallSeconds,
    }),
  )
}
startHeartbeat()

const settings = readSettings(args)
const sections: { id: string; run: typeof runVerification }[] = [
  { id: 'verification', run: runVerification },
  { id: 'create-proof', run: runCreateProof },
  { id: 'replay-store', run: runReplayStore },
  { id: 'scaling', run: runScaling },
  { id: 'http-routes', run: runHttpRoutes },
  { id: 'token-endpoint', run: runTokenEndpoint },
  { id: 'redis', run: runRedis },
]

const machine = machineInfo()
const started = new Date()
const results: SectionResult[] = []
for (const section of sections) {
  if (settings.only.length > 0 && !settings.only.includes(section.id)) continue
  const sectionStart = performance.now()
  progress('started', section.id)
  results.push(...(await section.run(settings)))
  console.error(`[bench] ${section.id} done in ${((performance.now() - sectionStart) / 1000).toFixed(1)} s`)
}
const loadAverageAtEnd = loadavg().map((value) => Math.round(value * 100) / 100)

const command = `pnpm bench${args.length > 0 ? ` -- ${args.join(' ')}` : ''}`
const header = [
  `Run ${started.toISOString()} with \`${command}\`${settings.quick ? ' (quick smoke run: figures mean little)' : ''}.`,
  '',
  `Machine: ${machine.cpu}, ${machine.cores} cores (shared), Node ${machine.node}, ${machine.platform}; ` +
    `pinned to CPU ${machine.affinity}. Load average (1/5/15 min) at start ${machine.loadAverageAtStart.join(' / ')}, ` +
    `at end ${loadAverageAtEnd.join(' / ')}.`,
  '',
  `Micro-benchmarks: ${settings.rounds} rounds of ≥ ${settings.roundMilliseconds} ms per row, interleaved, median ops/s. ` +
    `HTTP: ${settings.httpRounds} rounds of ~${settings.httpRoundSeconds} s per variant, ${settings.connections} connections, medians.`,
]
const markdown = toMarkdown(results, header)
const json = {
  startedAt: started.toISOString(),
  command,
  settings,
  machine: { ...machine, loadAverageAtEnd },
  sections: results,
}
const resultsDirectory = join(here, '..', 'results')
mkdirSync(resultsDirectory, { recursive: true })
const base = settings.quick ? 'quick' : settings.only.length > 0 ? 'partial' : 'latest'
writeFileSync(join(resultsDirectory, `${base}.md`), `${markdown}\n`)
writeFileSync(join(resultsDirectory, `${base}.json`), `${JSON.stringify(json, null, 2)}\n`)
// The README shows the latest full run: replace what lies between its markers.
if (base === 'latest') {
  const readmePath = join(here, '..', 'README.md')
  const readme = readFileSync(readmePath, 'utf8')
  const start = '<!-- latest-results:start -->'
  const end = '<!-- latest-results:end -->'
  const from = readme.indexOf(start)
  const to = readme.indexOf(end)
  if (from !== -1 && to > from) {
    writeFileSync(readmePath, `${readme.slice(0, from + start.length)}\n${markdown}\n${readme.slice(to)}`)
  }
}
console.log(markdown)
console.error(`[bench] wrote results/${base}.md and results/${base}.json`)
