// Type-checks every ```ts block of the root README and every package README, so examples keep compiling.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const dirs = ['.']
for (const group of ['packages', 'apps']) {
  if (existsSync(group)) for (const name of readdirSync(group)) dirs.push(join(group, name))
}

let failed = false
for (const dir of dirs) {
  const readme = join(dir, 'README.md')
  if (!existsSync(readme)) continue
  const blocks = [...readFileSync(readme, 'utf8').matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1])
  if (blocks.length === 0) continue
  const out = join(dir, '.readme-snippets')
  rmSync(out, { recursive: true, force: true })
  mkdirSync(out)
  for (const [i, code] of blocks.entries())
    writeFileSync(join(out, `snippet-${i + 1}.ts`), `export {}\n${code}`)
  const up = dir === '.' ? '..' : join('..', ...dir.split('/').map(() => '..'))
  writeFileSync(
    join(out, 'tsconfig.json'),
    JSON.stringify({
      extends: join(up, 'tsconfig.base.json'),
      compilerOptions: { lib: ['ES2022', 'DOM', 'DOM.Iterable'], types: ['node'], noUnusedLocals: false },
      include: ['*.ts'],
    }),
  )
  try {
    execFileSync('npx', ['tsc', '-p', join(out, 'tsconfig.json')], { stdio: 'inherit' })
    console.log(`${readme}: ${blocks.length} snippet(s) compile`)
  } catch {
    console.error(`${readme}: snippets do not compile`)
    failed = true
  }
  rmSync(out, { recursive: true, force: true })
}
process.exit(failed ? 1 : 0)
