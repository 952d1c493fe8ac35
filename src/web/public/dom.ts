type Child = Node | string | null | undefined | false;

/**
 * Builds an element. Strings become text nodes: text from the API is never parsed as HTML.
 * Attributes starting with `on` are not accepted; listeners are added in code.
 */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name.toLowerCase().startsWith('on')) throw new Error(`use addEventListener, not ${name}`);
    element.setAttribute(name, value);
  }
  element.append(...children.filter((child): child is Node | string => typeof child === 'string' || !!child));
  return element;
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`#${id} is missing from the page`);
  return element as T;
}

export function show(element: HTMLElement, visible: boolean): void {
  element.hidden = !visible;
}
