type Child = Node | string | undefined | false

/** Creates an element; text goes in as text nodes, never as HTML. */
export function h(tag: string, attributes: Record<string, string> = {}, ...children: Child[]): HTMLElement {
  const element = document.createElement(tag)
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value)
  for (const child of children) {
    if (child === undefined || child === false) continue
    element.append(typeof child === 'string' ? document.createTextNode(child) : child)
  }
  return element
}

/** Pretty-printed JSON in a `<pre>`. */
export function json(value: unknown, attributes: Record<string, string> = {}): HTMLElement {
  return h('pre', attributes, JSON.stringify(value, null, 2))
}
