/**
 * Polls `condition` every `interval` ms until it returns true, rejecting with `what` after `timeout` ms: a
 * deadline rather than a fixed sleep, so a slow machine waits longer and a fast one does not wait at all.
 * A condition that throws counts as false (e.g. a server not yet listening).
 */
export async function waitFor(
  what: string,
  condition: () => boolean | Promise<boolean>,
  { timeout = 20_000, interval = 50 }: { timeout?: number; interval?: number } = {},
): Promise<void> {
  const deadline = Date.now() + timeout
  for (;;) {
    if (await Promise.resolve(condition()).catch(() => false)) return
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, interval))
  }
}
