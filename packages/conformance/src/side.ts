/** Where a case sends its request: the token endpoint, or the resource of that index in `target.resources`. */
export type Side = 'token' | number

/** The id suffix of a case at `side`: `:token`, `:resource` for the first resource, `:resource.N` after. */
export function sideSuffix(side: Side): string {
  if (side === 'token') return ':token'
  return side === 0 ? ':resource' : `:resource.${side}`
}

/** Words for titles: `token endpoint`, `resource #0`. */
export function sideLabel(side: Side): string {
  return side === 'token' ? 'token endpoint' : `resource #${side}`
}

/** The token endpoint, then every resource. */
export function allSides(resourceCount: number): Side[] {
  return ['token', ...Array.from({ length: resourceCount }, (_, index) => index)]
}

/** Every resource. */
export function resourceSides(resourceCount: number): number[] {
  return Array.from({ length: resourceCount }, (_, index) => index)
}
