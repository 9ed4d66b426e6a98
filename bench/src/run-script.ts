import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/**
 * Runs one of the benchmark's compiled scripts (`name` relative to this directory, e.g.
 * `sections/replay-memory-child.js`) in a child Node process and resolves with its stdout. Asynchronous,
 * so the watchdog's heartbeat keeps running while the child works.
 */
export function runScript(
  name: string,
  args: readonly string[],
  nodeOptions: readonly string[] = [],
): Promise<string> {
  const path = fileURLToPath(new URL(`./${name}`, import.meta.url))
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeOptions, path, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => {
      stdout += chunk
    })
    child.stderr.on('data', (chunk) => {
      stderr += chunk
    })
    child.on('error', reject)
    child.on('close', (code) => {
      if (code === 0) resolve(stdout)
      else reject(new Error(`${name} exited with ${code}: ${stderr}`))
    })
  })
}
