/** Estimates how far a server's clock is from ours, from `Date` headers (RFC 9110 §6.6.1). */
export class ServerClock {
  /** Milliseconds to add to the local clock to get the server's time. */
  offset = 0

  constructor(
    readonly threshold: number,
    readonly maximum: number,
  ) {}

  /**
   * Takes one `Date` observation for a request sent at `sentAt` and answered at `receivedAt` (local ms).
   * Returns true when the adopted offset changed.
   */
  observe(date: string, sentAt: number, receivedAt: number): boolean {
    const serverTime = Date.parse(date)
    if (Number.isNaN(serverTime) || receivedAt < sentAt) return false
    // Date is truncated to the second: the server's clock read somewhere in [date, date + 1 s).
    const skew = serverTime + 500 - (sentAt + receivedAt) / 2
    // Small differences are noise (1 s resolution, latency) that proofs' acceptance windows absorb anyway.
    if (Math.abs(skew - this.offset) <= this.threshold) return false
    const adopted =
      Math.abs(skew) <= this.threshold ? 0 : Math.max(-this.maximum, Math.min(this.maximum, skew))
    if (adopted === this.offset) return false
    this.offset = Math.round(adopted)
    return true
  }
}
