import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'

export interface MachineInfo {
  cpu: string
  cores: number
  node: string
  platform: string
  /** CPUs this process may run on (the taskset pin). */
  affinity: string
  loadAverageAtStart: number[]
}

export function cpuModel(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((entry) => entry.startsWith('model name'))
    if (line !== undefined) return line.slice(line.indexOf(':') + 1).trim()
  } catch {}
  return cpus()[0]?.model ?? 'unknown'
}

/** The `Cpus_allowed_list` of this process, e.g. "0" or "0-1". */
export function affinity(): string {
  try {
    const line = readFileSync('/proc/self/status', 'utf8')
      .split('\n')
      .find((entry) => entry.startsWith('Cpus_allowed_list:'))
    if (line !== undefined) return line.split(':')[1]!.trim()
  } catch {}
  return 'unknown'
}

export function hasTaskset(): boolean {
  return spawnSync('taskset', ['--version'], { stdio: 'ignore' }).status === 0
}

export function machineInfo(): MachineInfo {
  return {
    cpu: cpuModel(),
    cores: cpus().length,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    affinity: affinity(),
    loadAverageAtStart: loadavg().map((value) => Math.round(value * 100) / 100),
  }
}
