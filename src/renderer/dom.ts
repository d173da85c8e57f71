/**
 * The one way the page builds elements: text goes in through text nodes and styling through
 * classes, never HTML strings or inline styles, so the strict CSP (`style-src 'self'`) holds and
 * a gamertag can never become markup.
 */
export type Child = Node | string | false | null | undefined;

export interface ElementProps {
  readonly className?: string;
  readonly attrs?: Readonly<Record<string, string>>;
  readonly onClick?: () => void;
}

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: ElementProps = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (props.className) node.className = props.className;
  for (const [name, value] of Object.entries(props.attrs ?? {})) node.setAttribute(name, value);
  if (props.onClick) node.addEventListener('click', props.onClick);
  for (const child of children) {
    if (child === false || child === null || child === undefined) continue;
    node.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return node;
}

/** Sets an element's text only when it changed, so live regions announce real changes only. */
export function setText(node: Element, text: string): void {
  if (node.textContent !== text) node.textContent = text;
}
