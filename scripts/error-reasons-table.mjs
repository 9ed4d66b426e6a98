// Renders docs/error-reasons.md from core's reason catalogue. `node scripts/error-reasons-table.mjs` writes the
// file (after `pnpm build`); core's error-reasons test fails when the committed file is stale.
import { writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/** The Markdown page for a catalogue of `{ reference, meaning }` entries keyed by reason. */
export function renderErrorReasonsTable(reasons) {
  const rows = Object.entries(reasons).map(
    ([reason, { reference, meaning }]) =>
      `| \`${reason}\` | ${reference} | ${meaning.replaceAll('|', '\\|')} |`,
  )
  return [
    '# Error reasons',
    '',
    'Every failure the toolkit reports carries a machine `reason` beside its wire `code`: `DPoPError.reason` in',
    '`@dpop/core`, `@dpop/server` and the adapters, `OAuthError.reason` in `@dpop/client`. The same reason names the',
    'same failure on every side, and events and metrics use it as they are. The type is `DPoPErrorReason`; the',
    'catalogue is `DPoP_ERROR_REASONS` in `@dpop/core`, from which this page is generated',
    '(`node scripts/error-reasons-table.mjs`).',
    '',
    '| reason | rests on | meaning |',
    '| --- | --- | --- |',
    ...rows,
    '',
  ].join('\n')
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { DPoP_ERROR_REASONS } = await import('../packages/core/dist/index.js')
  const target = new URL('../docs/error-reasons.md', import.meta.url)
  writeFileSync(target, renderErrorReasonsTable(DPoP_ERROR_REASONS))
  console.log(`wrote ${fileURLToPath(target)}`)
}
