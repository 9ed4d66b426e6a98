import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'

const read = (path: string) => readFile(new URL(path, import.meta.url), 'utf8')

// readme-*-example.test-d.ts are compiled by tsc; README.md must show exactly their code.
describe('README.md', () => {
  it('shows the browser and Node examples that tsc compiles', async () => {
    const readme = await read('../README.md')
    const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1])
    const compiled = await Promise.all(
      ['./readme-browser-example.test-d.ts', './readme-node-example.test-d.ts'].map(async (path) =>
        read(path),
      ),
    )
    expect(blocks.slice(0, 2)).toEqual(compiled)
    expect(readme.indexOf('## In a browser')).toBeLessThan(readme.indexOf('## In a Node service'))
  })
})
