// Installs the packed packages in a fresh project outside the workspace, the way a user gets them, and checks:
// ESM import and CJS require of every entry point; tsc with skipLibCheck: false under node16 (a .cts and a .mts
// file), nodenext and bundler, each with and without lib DOM; no internal vocabulary in the declarations; attw's
// default profile on every tarball; one round trip (authorization server, Express guard, @dpop/client) on
// loopback; `npx dpop --help`; and, in a second project, the adapters installed beside Express 4, Koa 2 and Fastify 4
// under npm's peer check, each answering a request without credentials with the DPoP challenge.
//
// Usage: node scripts/smoke-test-tarballs.mjs <folder of .tgz files>   (`pnpm pack:all` fills .packs/)
// Run after `pnpm build`; third-party dependencies come from the npm registry.
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

const packs = resolve(process.argv[2] ?? '.packs')
const tarballs = readdirSync(packs)
  .filter((name) => name.endsWith('.tgz'))
  .map((name) => join(packs, name))
if (tarballs.length === 0) fail(`no .tgz files in ${packs}: run \`pnpm pack:all\` first`)

const started = Date.now()
const project = mkdtempSync(join(tmpdir(), 'dpop-smoke-'))
// biome-ignore lint/suspicious/noUndeclaredEnvVars: a script CI runs directly, not a turbo task
const keep = process.env.SMOKE_KEEP === '1'

function fail(message) {
  console.error(`smoke test: ${message}`)
  process.exit(1)
}

function run(step, command, args, options = {}) {
  try {
    return execFileSync(command, args, {
      cwd: project,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 300_000,
      ...options,
    })
  } catch (error) {
    process.stdout.write(error.stdout ?? '')
    process.stderr.write(error.stderr ?? '')
    fail(`${step} failed (${command} ${args.join(' ')}), project kept in ${project}`)
  }
}

function step(name, action) {
  const at = Date.now()
  action()
  console.log(`  ok  ${name} (${((Date.now() - at) / 1000).toFixed(1)} s)`)
}

// 1. attw, default profile (node10, node16 from CJS and ESM, bundler), on each tarball as published.
const attw = join(import.meta.dirname, '..', 'node_modules', '.bin', 'attw')
step(`attw (default profile) on ${tarballs.length} tarballs`, () => {
  for (const tarball of tarballs) run(`attw ${tarball}`, attw, [tarball, '--format', 'ascii'])
})

// 2. A fresh project, the tarballs installed by npm, nothing linked from the workspace.
writeFileSync(join(project, 'package.json'), `${JSON.stringify({ name: 'smoke', private: true }, null, 2)}\n`)
step('npm install of the tarballs', () => {
  run('npm install', 'npm', [
    'install',
    '--no-audit',
    '--no-fund',
    '--loglevel=error',
    ...tarballs,
    'express@5',
    'koa@3',
    'fastify@5',
    'ioredis@5',
    // The optional peer of @dpop/server/otel (npm installs no optional peer by itself).
    '@opentelemetry/api@1',
    'typescript@~5.9.3',
    '@types/node@20',
    '@types/express@5',
    '@types/koa@3',
  ])
})

const installed = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')).dependencies
const entryPoints = []
for (const name of Object.keys(installed).filter((dependency) => dependency.startsWith('@dpop/'))) {
  const manifest = JSON.parse(readFileSync(join(project, 'node_modules', name, 'package.json'), 'utf8'))
  if (JSON.stringify(manifest).includes('workspace:')) fail(`${name}: a workspace: range was published`)
  if (JSON.stringify(manifest.exports).includes('@dpop/source'))
    fail(`${name}: the source condition was published`)
  for (const subpath of Object.keys(manifest.exports)) {
    if (subpath !== './package.json') entryPoints.push(subpath === '.' ? name : `${name}${subpath.slice(1)}`)
  }
}

// 3. ESM import and CJS require of every entry point, with the same named exports.
writeFileSync(
  join(project, 'load.mjs'),
  `import { createRequire } from 'node:module'
const require = createRequire(import.meta.url)
for (const entry of ${JSON.stringify(entryPoints)}) {
  const esm = Object.keys(await import(entry)).filter((key) => key !== 'default' && key !== 'module.exports').sort()
  const cjs = Object.keys(require(entry)).sort()
  if (esm.length === 0) throw new Error(entry + ': no exports')
  if (esm.join() !== cjs.join()) throw new Error(entry + ': import and require differ: ' + esm + ' / ' + cjs)
}
`,
)
writeFileSync(
  join(project, 'load.cjs'),
  `for (const entry of ${JSON.stringify(entryPoints)}) {
  if (Object.keys(require(entry)).length === 0) throw new Error(entry + ': no exports')
}
`,
)
step(`import and require of ${entryPoints.length} entry points`, () => {
  run('ESM import', process.execPath, ['load.mjs'])
  run('CJS require', process.execPath, ['load.cjs'])
})

// 4. TypeScript as users configure it: skipLibCheck false, a CommonJS and an ESM file under node16, and each
// configuration both with lib DOM (a browser project) and without it (a Node project, with Node's types only).
const imports = entryPoints.map((entry, i) => `import * as entry${i} from '${entry}'`).join('\n')
const body = `${imports}
import type { JWK } from '@dpop/core'
import { createProof, generateKeyPair } from '@dpop/core'
import { createDPoPHandle } from '@dpop/client'
export const entries = [${entryPoints.map((_, i) => `entry${i}`).join(', ')}]
export const key: JWK = { kty: 'EC', crv: 'P-256', x: 'x', y: 'y' }
export async function sign(): Promise<string> {
  const handle = await createDPoPHandle({ keyPair: await generateKeyPair() })
  return createProof(handle.keyPair, { htm: 'GET', htu: 'https://api.example.com/' })
}
`
// With lib DOM the packages' key types are the DOM's CryptoKey and CryptoKeyPair, in both directions.
const domBody = `import { generateKeyPair } from '@dpop/core'
import { createDPoPHandle, createIndexedDBKeyStore } from '@dpop/client'
export async function interop(): Promise<CryptoKeyPair> {
  const pair: CryptoKeyPair = await generateKeyPair()
  createIndexedDBKeyStore('app', { indexedDB })
  return (await createDPoPHandle({ keyPair: pair })).keyPair
}
`
mkdirSync(join(project, 'types'))
writeFileSync(join(project, 'types', 'common.cts'), body)
writeFileSync(join(project, 'types', 'module.mts'), body)
writeFileSync(join(project, 'types', 'bundled.ts'), body)
writeFileSync(join(project, 'types', 'dom.mts'), domBody)
// paths: express 5.3 hoists content-disposition@2, whose own types lack the `Options` @types/koa expects; that
// clash between third-party packages is not ours, so @types/koa gets the types it was written against.
const strict = {
  strict: true,
  noEmit: true,
  skipLibCheck: false,
  types: ['node'],
  paths: { 'content-disposition': ['./node_modules/@types/content-disposition'] },
}
const configs = {
  node16: { module: 'node16', moduleResolution: 'node16', files: ['types/common.cts', 'types/module.mts'] },
  nodenext: {
    module: 'nodenext',
    moduleResolution: 'nodenext',
    files: ['types/common.cts', 'types/module.mts'],
  },
  bundler: { module: 'esnext', moduleResolution: 'bundler', target: 'es2022', files: ['types/bundled.ts'] },
}
const libs = { dom: ['ES2022', 'DOM'], 'no-dom': ['ES2022'] }
const tsc = join(project, 'node_modules', 'typescript', 'bin', 'tsc')
for (const [name, { files, ...options }] of Object.entries(configs)) {
  for (const [libName, lib] of Object.entries(libs)) {
    step(`tsc --noEmit, ${name}, lib ${lib.join(' + ')}, skipLibCheck: false`, () => {
      const config = `tsconfig.${name}.${libName}.json`
      const checked = libName === 'dom' ? [...files, 'types/dom.mts'] : files
      writeFileSync(
        join(project, config),
        JSON.stringify({ compilerOptions: { ...strict, ...options, lib }, files: checked }),
      )
      run(`tsc (${name}, ${libName})`, process.execPath, [tsc, '-p', config])
    })
  }
}

// The declarations speak to users: no words or paths of this repository's own workshop.
step('no internal vocabulary in the published declarations', () => {
  const words = /\bseeds?\b|\/work\/|shared\/specs|\bhelpers?\b/i
  for (const name of Object.keys(installed).filter((dependency) => dependency.startsWith('@dpop/'))) {
    const dist = join(project, 'node_modules', name, 'dist')
    for (const file of readdirSync(dist).filter((file) => /\.d\.c?ts$/.test(file))) {
      const found = readFileSync(join(dist, file), 'utf8').match(words)
      if (found) fail(`${name}/dist/${file} mentions "${found[0]}"`)
    }
  }
})

// 5. One round trip from the installed packages only: a DPoP-bound token and a call to an Express route.
writeFileSync(
  join(project, 'round-trip.mjs'),
  `import { once } from 'node:events'
import { createDPoPHandle, createDPoPFetch, createOAuthClient } from '@dpop/client'
import { authorizationServer, dpop } from '@dpop/express'
import { createAuthorizationServer } from '@dpop/server'
import express from 'express'

const app = express()
const listener = app.listen(0, '127.0.0.1')
await once(listener, 'listening')
const origin = 'http://127.0.0.1:' + listener.address().port
try {
  const server = createAuthorizationServer({
    issuer: origin,
    audience: origin + '/api',
    clients: [{ clientId: 'smoke', clientSecret: 'a-long-enough-client-secret', grantTypes: ['client_credentials'], tokenBinding: 'dpop' }],
  })
  app.use(authorizationServer(server))
  app.get('/api/me', dpop({ jwks: await server.jwks(), issuer: origin, audience: origin + '/api' }), (req, res) => {
    res.json({ sub: req.dpop.claims.sub, thumbprint: req.dpop.thumbprint })
  })

  const handle = await createDPoPHandle()
  const client = createOAuthClient(handle, { issuer: origin, clientId: 'smoke', clientSecret: 'a-long-enough-client-secret' })
  const tokens = await client.clientCredentials()
  if (tokens.tokenType !== 'DPoP') throw new Error('token_type is ' + tokens.tokenType + ', not DPoP')
  const response = await createDPoPFetch(handle)(origin + '/api/me', { headers: { Authorization: 'DPoP ' + tokens.accessToken } })
  const body = await response.json()
  if (response.status !== 200) throw new Error('GET /api/me answered ' + response.status + ' ' + JSON.stringify(body))
  if (body.sub !== 'smoke' || body.thumbprint !== handle.thumbprint) throw new Error('unexpected body ' + JSON.stringify(body))
  const bearer = await fetch(origin + '/api/me', { headers: { Authorization: 'Bearer ' + tokens.accessToken } })
  if (bearer.status !== 401) throw new Error('the bound token was accepted as Bearer: ' + bearer.status)
} finally {
  listener.close()
}
`,
)
step('round trip: authorization server, Express guard, @dpop/client', () => {
  run('round trip', process.execPath, ['round-trip.mjs'], { timeout: 60_000 })
})

// 6. The installed command.
step('npx dpop --help', () => {
  const help = run('npx dpop --help', 'npx', ['--no-install', 'dpop', '--help'])
  if (!/dpop/.test(help) || help.length < 100) fail(`npx dpop --help printed: ${help}`)
})

// 7. The previous major of each framework: npm accepts the peer ranges (no --force), and each adapter answers.
const previous = join(project, 'previous-majors')
mkdirSync(previous)
writeFileSync(
  join(previous, 'package.json'),
  `${JSON.stringify({ name: 'smoke-previous', private: true }, null, 2)}\n`,
)
const adapterTarballs = tarballs.filter((tarball) =>
  /dpop-(core|server|express|koa|fastify)-[^/]*\.tgz$/.test(tarball),
)
step('npm install of the adapters beside express@4, koa@2 and fastify@4', () => {
  run(
    'npm install (previous majors)',
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--loglevel=error',
      ...adapterTarballs,
      'express@4',
      'koa@2',
      'fastify@4',
    ],
    { cwd: previous },
  )
})
writeFileSync(
  join(previous, 'previous-majors.mjs'),
  `import { once } from 'node:events'
import { createServer } from 'node:http'
import { dpop as expressGuard } from '@dpop/express'
import { dpop as fastifyGuard } from '@dpop/fastify'
import { dpop as koaGuard } from '@dpop/koa'
import express from 'express'
import Fastify from 'fastify'
import Koa from 'koa'

const guard = { verifyAccessToken: async () => ({ sub: 'smoke' }) }
const expressApp = express().get('/api/me', expressGuard(guard), (_req, res) => res.json({}))
const koaApp = new Koa().use(koaGuard(guard))
const fastifyApp = Fastify()
await fastifyApp.register(fastifyGuard, guard)
fastifyApp.get('/api/me', { preHandler: fastifyApp.dpop.preHandler() }, async () => ({}))
await fastifyApp.listen({ port: 0, host: '127.0.0.1' })

const servers = { 'Express 4': createServer(expressApp), 'Koa 2': createServer(koaApp.callback()) }
const origins = { 'Fastify 4': 'http://127.0.0.1:' + fastifyApp.server.address().port }
for (const [name, server] of Object.entries(servers)) {
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  origins[name] = 'http://127.0.0.1:' + server.address().port
}
try {
  for (const [name, origin] of Object.entries(origins)) {
    const response = await fetch(origin + '/api/me')
    const challenge = response.headers.get('www-authenticate') ?? ''
    if (response.status !== 401 || !challenge.startsWith('DPoP ')) {
      throw new Error(name + ' answered ' + response.status + ' with WWW-Authenticate: ' + challenge)
    }
  }
} finally {
  for (const server of Object.values(servers)) server.close()
  await fastifyApp.close()
}
`,
)
step('Express 4, Koa 2 and Fastify 4 answer a request without credentials with the DPoP challenge', () => {
  run('previous majors', process.execPath, ['previous-majors.mjs'], { cwd: previous, timeout: 60_000 })
})

if (!keep) rmSync(project, { recursive: true, force: true })
console.log(
  `smoke test passed in ${((Date.now() - started) / 1000).toFixed(0)} s${keep ? ` (project: ${project})` : ''}`,
)
