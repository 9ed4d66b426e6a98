import { type ChildProcess, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { cpus } from 'node:os'
import { fileURLToPath } from 'node:url'
import { createMemoryReplayStore, type ReplayStore } from '@dpop/core'
import { createRedisClient, createRedisReplayStore, createRedisStorage } from '@dpop/redis'
import { type StartedRedis, startRedis } from '@dpop/redis/testing'
import type { Redis } from 'ioredis'
import { accessTokenHash, buildProof, generateBenchKey } from '../fixtures.js'
import { type LoadVariant, loadRow, measureLoad, runLoad } from '../load.js'
import type { LoadJob } from '../load-child.js'
import { hasTaskset } from '../machine.js'
import { type BenchCase, measureGroup } from '../measure.js'
import { type ResultRow, ratioRow, type SectionResult, skippedRow, valueRow } from '../report.js'
import type { BenchSettings } from '../settings.js'
import { type AccessTokens, AUDIENCE, issueAccessTokens } from '../tokens.js'
import { progress } from '../watchdog.js'
import { type GuardedApp, startGuardedApp } from './redis-guard-app.js'
import { commandCounts, commandsBetween, MEMORY_ROUTE, REDIS_ROUTE, waitForRedis } from './redis-route.js'
import { checkTokenTypes, startOurs, tokenJob } from './token-endpoint.js'

const CONCURRENT_CALLERS = 8

/**
 * Distinct replay keys shaped as verifyProof makes them (`<thumbprint>.<jti>`, 66 characters) without a pool:
 * one of 1,000 thumbprints, and a 22-character jti of a run prefix and a counter.
 */
function keySource(): () => string {
  const thumbprints = Array.from({ length: 1000 }, () => randomBytes(32).toString('base64url'))
  const run = randomBytes(12).toString('base64url').slice(0, 14)
  let counter = 0
  return () => `${thumbprints[counter % 1000]}.${run}${(counter++).toString(36).padStart(8, '0')}`
}

/** 8a: `reserve` of the Redis replay store against the bare ioredis command it sends. */
async function measureReserve(redis: Redis, settings: BenchSettings): Promise<ResultRow[]> {
  const store = createRedisReplayStore(redis, { prefix: 'bench:' })
  const nextKey = keySource()
  // Expire soon after the section, so Redis does not fill up over rounds.
  const expiresAt = () => Date.now() + 120_000
  const names = {
    floor: 'ioredis SET NX PXAT, 1 caller (floor)',
    one: 'createRedisReplayStore().reserve, 1 caller',
    floorMany: `ioredis SET NX PXAT, ${CONCURRENT_CALLERS} concurrent callers (floor)`,
    many: `createRedisReplayStore().reserve, ${CONCURRENT_CALLERS} concurrent callers`,
  }
  const setNx = async () =>
    check((await redis.call('SET', `bench:jti:${nextKey()}`, '1', 'NX', 'PXAT', expiresAt())) === 'OK')
  const check = (fresh: boolean) => {
    if (!fresh) throw new Error('a new replay key was refused')
  }
  const cases: BenchCase[] = [
    { name: names.floor, run: setNx },
    { name: names.one, run: async () => check(await store.reserve(nextKey(), expiresAt(), Date.now())) },
    {
      name: names.floorMany,
      run: async () => {
        await Promise.all(Array.from({ length: CONCURRENT_CALLERS }, setNx))
      },
      opsPerRun: CONCURRENT_CALLERS,
    },
    {
      name: names.many,
      // Eight reservations in flight at once, as eight requests of one instance would send them.
      run: async () => {
        const at = expiresAt()
        const answers = await Promise.all(
          Array.from({ length: CONCURRENT_CALLERS }, () => store.reserve(nextKey(), at, Date.now())),
        )
        for (const fresh of answers) check(fresh)
      },
      opsPerRun: CONCURRENT_CALLERS,
    },
  ]
  console.error('[redis] replay store reserve')
  const results = await measureGroup(cases, settings)
  const get = (name: string) => results.get(name)!
  return [
    valueRow(get(names.floor), 'ops/s', 'one command at a time, awaited'),
    ratioRow(get(names.one), get(names.floor), undefined, 'ops/s', 'awaited one at a time'),
    valueRow(get(names.floorMany), 'ops/s', `${CONCURRENT_CALLERS} commands in flight at once`),
    ratioRow(
      get(names.many),
      get(names.floorMany),
      undefined,
      'ops/s',
      `${CONCURRENT_CALLERS} reservations in flight at once on one connection; ${(get(names.many).median / get(names.one).median).toFixed(2)}× the rate of 1 caller`,
    ),
  ]
}

function guardJob(
  url: string,
  path: string,
  tokens: AccessTokens,
  privateJwk: Record<string, string>,
  amount: number,
  settings: BenchSettings,
  moreUrls?: string[],
): LoadJob {
  return {
    url,
    ...(moreUrls === undefined ? {} : { moreUrls }),
    method: 'GET',
    path,
    headers: { authorization: `DPoP ${tokens.bound}` },
    amount,
    connections: settings.connections,
    dpop: { privateJwk, alg: 'ES256', htu: AUDIENCE + path, ath: accessTokenHash(tokens.bound) },
  }
}

/** A proof answers 200 at `first` and, replayed, 401 at `second` (the same server, or another one). */
async function checkReplay(
  first: string,
  second: string,
  path: string,
  tokens: AccessTokens,
  key: ReturnType<typeof generateBenchKey>,
): Promise<void> {
  const { proof } = buildProof(key, { htm: 'GET', htu: AUDIENCE + path, ath: accessTokenHash(tokens.bound) })
  const headers = { authorization: `DPoP ${tokens.bound}`, dpop: proof }
  const accepted = await fetch(first + path, { headers })
  const replayed = await fetch(second + path, { headers })
  if (accepted.status !== 200 || replayed.status !== 401) {
    throw new Error(`${path}: ${accepted.status} then ${replayed.status} for a replay (expected 200, 401)`)
  }
}

/** The client, with the commands sent through it counted: round trips, whatever a script runs inside Redis. */
function countRoundTrips(redis: Redis): { connection: Redis; sent: () => number } {
  let sent = 0
  const connection = {
    call: (...args: Parameters<Redis['call']>) => {
      sent++
      return redis.call(...args)
    },
  }
  return { connection: connection as unknown as Redis, sent: () => sent }
}

/**
 * Redis commands per request on `path`, counted by Redis itself over a run of `amount` requests (the commands
 * a script runs included), and the round trips the store sent for them when `roundTrips` counts them.
 */
async function commandsPerRequest(
  redis: Redis,
  job: LoadJob,
  roundTrips?: () => number,
): Promise<{ perRequest: number; roundTripsPerRequest: number; note: string }> {
  const before = await commandCounts(redis)
  const sentBefore = roundTrips?.() ?? 0
  const result = await runLoad(job)
  const delta = commandsBetween(before, await commandCounts(redis))
  const sent = (roundTrips?.() ?? 0) - sentBefore
  const total = Object.values(delta).reduce((sum, calls) => sum + calls, 0)
  const listed = Object.entries(delta)
    .map(([name, calls]) => `${name.toUpperCase()} ${calls}`)
    .join(', ')
  return {
    perRequest: total / result.ok,
    roundTripsPerRequest: sent / result.ok,
    note: `counted by Redis (INFO commandstats) over ${result.ok} successful requests: ${listed || 'none'}`,
  }
}

interface GuardChild {
  url: string
  process: ChildProcess
}

/** Another resource server process on the same Redis (stopped by closing its stdin). */
function startGuardChild(redisUrl: string, tokens: AccessTokens): Promise<GuardChild> {
  const script = fileURLToPath(new URL('./redis-guard-child.js', import.meta.url))
  const child = spawn(process.execPath, [script, redisUrl, JSON.stringify(tokens.jwks)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  })
  return new Promise((resolve, reject) => {
    let output = ''
    child.once('exit', (code) => reject(new Error(`guard process exited with ${code}`)))
    child.stdout.on('data', (chunk) => {
      output += chunk
      const line = output.indexOf('\n')
      if (line !== -1)
        resolve({ url: (JSON.parse(output.slice(0, line)) as { url: string }).url, process: child })
    })
  })
}

async function stopGuardChild(child: GuardChild): Promise<void> {
  if (child.process.exitCode !== null) return
  // Drop the start-up listener first: it would reject a settled promise.
  child.process.removeAllListeners('exit')
  const exited = new Promise((resolve) => child.process.once('exit', resolve))
  child.process.stdin?.end()
  const timer = setTimeout(() => child.process.kill('SIGKILL'), 5000)
  await exited
  clearTimeout(timer)
}

/** 8b and 8d: the guarded route on Redis vs memory, and on two processes sharing one Redis. */
async function measureRoutes(redis: Redis, redisUrl: string, settings: BenchSettings): Promise<ResultRow[]> {
  const clientKey = generateBenchKey('ES256')
  const privateJwk = clientKey.privateKey.export({ format: 'jwk' }) as Record<string, string>
  const tokens = await issueAccessTokens(clientKey)
  const counted = countRoundTrips(redis)
  const routes: Record<string, ReplayStore | undefined> = {
    [MEMORY_ROUTE]: createMemoryReplayStore(),
    [REDIS_ROUTE]: createRedisReplayStore(counted.connection),
  }
  const rows: ResultRow[] = []
  let app: GuardedApp | undefined
  const children: GuardChild[] = []
  try {
    app = await startGuardedApp(tokens.jwks, routes)
    const url = app.url
    await checkReplay(url, url, MEMORY_ROUTE, tokens, clientKey)
    await checkReplay(url, url, REDIS_ROUTE, tokens, clientKey)
    const names = {
      memory: 'Fastify GET, @dpop/fastify guard, memory replay store',
      redis: 'Fastify GET, @dpop/fastify guard, Redis replay store',
    }
    console.error('[redis] guarded route, Redis vs memory')
    const results = await measureLoad(
      [
        {
          name: names.memory,
          job: (amount) => guardJob(url, MEMORY_ROUTE, tokens, privateJwk, amount, settings),
        },
        {
          name: names.redis,
          job: (amount) => guardJob(url, REDIS_ROUTE, tokens, privateJwk, amount, settings),
        },
      ],
      settings,
    )
    rows.push(
      loadRow(results.get(names.memory)!),
      loadRow(results.get(names.redis)!, results.get(names.memory)!, 0.85, 'one guard process'),
    )
    const count = await commandsPerRequest(
      redis,
      guardJob(url, REDIS_ROUTE, tokens, privateJwk, settings.quick ? 300 : 2000, settings),
      counted.sent,
    )
    rows.push(
      {
        name: 'Redis round trips per request, guarded route',
        value: count.roundTripsPerRequest,
        unit: 'calls/req',
        bar: { kind: 'max', target: 1, met: count.roundTripsPerRequest <= 1 },
        note: 'commands the replay store sent, counted as they leave the client',
      },
      {
        name: 'Redis commands per request, guarded route',
        value: count.perRequest,
        unit: 'calls/req',
        note: `${count.note}; the reservation script's own commands included (one round trip)`,
      },
    )
    progress('guarded route measured')

    // Two more processes of the same guard on the same Redis, next to one of them alone.
    children.push(await startGuardChild(redisUrl, tokens), await startGuardChild(redisUrl, tokens))
    const [a, b] = children as [GuardChild, GuardChild]
    await checkReplay(a.url, b.url, REDIS_ROUTE, tokens, clientKey)
    await checkReplay(b.url, a.url, REDIS_ROUTE, tokens, clientKey)
    const processNames = {
      one: 'Fastify GET, Redis replay store, 1 guard process',
      two: 'Fastify GET, Redis replay store, 2 guard processes on one Redis',
    }
    console.error('[redis] two guard processes')
    const processResults = await measureLoad(
      [
        {
          name: processNames.one,
          job: (amount) => guardJob(a.url, REDIS_ROUTE, tokens, privateJwk, amount, settings),
          servers: [a.process.pid as number],
        },
        {
          name: processNames.two,
          job: (amount) => guardJob(a.url, REDIS_ROUTE, tokens, privateJwk, amount, settings, [b.url]),
          servers: [a.process.pid as number, b.process.pid as number],
        },
      ],
      settings,
    )
    rows.push(
      loadRow(processResults.get(processNames.one)!, undefined, undefined, 'a guard process of its own'),
      loadRow(
        processResults.get(processNames.two)!,
        processResults.get(processNames.one)!,
        undefined,
        'both processes on the benchmark CPU, connections split evenly; a proof accepted by one is a replay at the other (checked)',
      ),
    )
  } finally {
    for (const child of children) await stopGuardChild(child)
    await app?.close()
  }
  return rows
}

/** 8c: the token endpoint with its storage and replay store on Redis vs in memory. */
async function measureTokenEndpoint(redis: Redis, settings: BenchSettings): Promise<ResultRow[]> {
  const clientKey = generateBenchKey('ES256')
  const privateJwk = clientKey.privateKey.export({ format: 'jwk' }) as Record<string, string>
  const memory = await startOurs()
  const onRedis = await startOurs({
    storage: createRedisStorage(redis, { prefix: 'bench-as:' }),
    replayStore: createRedisReplayStore(redis, { prefix: 'bench-as:' }),
  })
  try {
    await checkTokenTypes(memory, clientKey)
    await checkTokenTypes(onRedis, clientKey)
    const names = {
      memory: 'createAuthorizationServer on @dpop/fastify, DPoP, memory storage',
      redis: 'createAuthorizationServer on @dpop/fastify, DPoP, Redis storage and replay store',
    }
    console.error('[redis] token endpoint')
    const variants: LoadVariant[] = [
      { name: names.memory, job: (amount) => tokenJob(memory, amount, settings.connections, privateJwk) },
      { name: names.redis, job: (amount) => tokenJob(onRedis, amount, settings.connections, privateJwk) },
    ]
    const results = await measureLoad(variants, settings)
    const count = await commandsPerRequest(
      redis,
      tokenJob(onRedis, settings.quick ? 300 : 2000, settings.connections, privateJwk),
    )
    return [
      loadRow(results.get(names.memory)!),
      loadRow(results.get(names.redis)!, results.get(names.memory)!, undefined, 'client credentials'),
      {
        name: 'Redis commands per token request',
        value: count.perRequest,
        unit: 'calls/req',
        note: count.note,
      },
    ]
  } finally {
    await memory.close()
    await onRedis.close()
  }
}

/** Section 8: the Redis path, against a redis-server of the benchmark's own on a free loopback port. */
export async function runRedis(settings: BenchSettings): Promise<SectionResult[]> {
  const section: SectionResult = {
    id: 'redis',
    title:
      '8. Redis (@dpop/redis, a real redis-server on loopback): replay store, guarded route, token endpoint',
    rows: [],
  }
  // redis-server off the benchmark's CPU, on CPU 1, when the machine has two.
  const offCpu = cpus().length > 1 && hasTaskset()
  let server: StartedRedis
  try {
    server = await startRedis(offCpu ? { launcher: ['taskset', '-c', '1'] } : {})
  } catch (error) {
    section.rows.push(skippedRow('Redis rows', (error as Error).message.split('\n')[0] ?? 'failed'))
    return [section]
  }
  const placement = offCpu ? 'redis-server on CPU 1' : 'redis-server on the same CPU'
  let redis: Redis | undefined
  try {
    redis = createRedisClient(server.url)
    redis.on('error', (error: Error) => console.error(`[redis] client: ${error.message}`))
    await waitForRedis(redis)
    console.error(`[redis] ${placement}`)
    section.title += ` (${placement})`
    const parts: [string, (redis: Redis) => Promise<ResultRow[]>][] = [
      ['replay store reserve', (client) => measureReserve(client, settings)],
      ['guarded route', (client) => measureRoutes(client, server.url, settings)],
      ['token endpoint', (client) => measureTokenEndpoint(client, settings)],
    ]
    for (const [name, measure] of parts) {
      try {
        section.rows.push(...(await measure(redis)))
      } catch (error) {
        section.rows.push(skippedRow(name, (error as Error).message.split('\n')[0] ?? 'failed'))
      }
    }
  } finally {
    redis?.disconnect()
    await server.stop()
  }
  return [section]
}
