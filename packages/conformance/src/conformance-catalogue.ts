import { algorithmCases } from './cases/algorithm-cases.js'
import { authorizationCases } from './cases/authorization-cases.js'
import { corsCases } from './cases/cors-cases.js'
import { nonceCases } from './cases/nonce-cases.js'
import { proofDefectCases } from './cases/proof-defect-cases.js'
import { refreshCases } from './cases/refresh-cases.js'
import { replayCases } from './cases/replay-cases.js'
import { resourceBindingCases } from './cases/resource-binding-cases.js'
import { serverDocumentCases } from './cases/server-document-cases.js'
import { tokenPlacementCases } from './cases/token-placement-cases.js'
import type { ConformanceCase } from './conformance-case.js'

/** Every case but the controls, in the order they run. */
export function conformanceCatalogue(resourceCount: number): ConformanceCase[] {
  return [
    ...serverDocumentCases(),
    ...proofDefectCases(resourceCount),
    ...algorithmCases(resourceCount),
    ...replayCases(resourceCount),
    ...resourceBindingCases(resourceCount),
    ...tokenPlacementCases(resourceCount),
    ...nonceCases(resourceCount),
    ...authorizationCases(),
    ...refreshCases(),
    ...corsCases(resourceCount),
  ]
}
