import { describe, expect, it } from 'vitest'
import { ServerClock } from './server-clock.js'

const at = (milliseconds: number) => new Date(milliseconds).toUTCString()

describe('ServerClock (RFC 9449 §11.1, Date of RFC 9110 §6.6.1)', () => {
  const local = Date.UTC(2025, 0, 1, 12, 0, 0)

  it('ignores skews within the threshold (Date has 1 s resolution)', () => {
    const clock = new ServerClock(30_000, 86_400_000)
    expect(clock.observe(at(local + 29_000), local, local)).toBe(false)
    expect(clock.observe(at(local - 20_000), local, local + 100)).toBe(false)
    expect(clock.offset).toBe(0)
  })

  it('adopts a significant skew, estimated at the midpoint of the round trip', () => {
    const clock = new ServerClock(30_000, 86_400_000)
    expect(clock.observe(at(local + 600_000), local - 1_000, local + 1_000)).toBe(true)
    expect(clock.offset).toBe(600_500)
    // Small variation around the adopted offset is noise: kept.
    expect(clock.observe(at(local + 610_000), local, local)).toBe(false)
    expect(clock.offset).toBe(600_500)
  })

  it('returns to 0 when the server clock agrees again, and bounds the offset', () => {
    const clock = new ServerClock(30_000, 3_600_000)
    clock.observe(at(local - 600_000), local, local)
    expect(clock.offset).toBe(-599_500)
    expect(clock.observe(at(local), local, local)).toBe(true)
    expect(clock.offset).toBe(0)
    clock.observe(at(local + 5 * 86_400_000), local, local)
    expect(clock.offset).toBe(3_600_000)
  })

  it('ignores unparsable dates and inconsistent timings', () => {
    const clock = new ServerClock(30_000, 86_400_000)
    expect(clock.observe('yesterday', local, local)).toBe(false)
    expect(clock.observe(at(local + 600_000), local, local - 1)).toBe(false)
    expect(clock.offset).toBe(0)
  })
})
