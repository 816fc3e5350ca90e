// Building elements from code, so that user text only ever becomes text nodes.

/**
 * el creates an element. Props whose name holds a dash (data-*, aria-*) are set as
 * attributes, the others as properties. Children that are strings become text nodes:
 * nothing passed here is ever parsed as HTML, which is what keeps names and chat safe.
 */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key.includes('-')) {
      node.setAttribute(key, value);
    } else {
      node[key] = value;
    }
  }
  node.append(...children);
  return node;
}

/** byTestId finds the one element a test also drives, so both name it the same way. */
export function byTestId(id) {
  return document.querySelector(`[data-testid="${id}"]`);
}
