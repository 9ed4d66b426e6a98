import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'

const read = (path: string) => readFile(new URL(path, import.meta.url), 'utf8')

describe('README.md', () => {
  it('shows the browser and Node examples that tsc compiles', async () => {
    const readme = await read('../README.md')
    const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1])
    const compiled = await Promise.all(
      ['./readme-browser-example.test-d.ts', './readme-node-example.test-d.ts'].map(
        async (path) => (await read(path)).split('export {}\n\n')[1],
      ),
    )
    expect(blocks.slice(0, 2)).toEqual(compiled)
    expect(readme.indexOf('## In a browser')).toBeLessThan(readme.indexOf('## In a Node service'))
  })
})
