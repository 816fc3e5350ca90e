// The status line: the one place where errors and close reasons reach the user.

const line = () => document.getElementById('status');

/** show puts text on the status line; kind is "info", "warn" or "error" and sets its colour. */
export function show(text, kind = 'info') {
  const node = line();
  node.textContent = text;
  node.dataset.kind = kind;
  node.hidden = !text;
}

/** clear empties the status line, once what it said no longer holds. */
export function clear() {
  show('');
}
