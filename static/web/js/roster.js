// The participant list: everyone in the room, with their microphone, camera, voice and hand.

import { el } from './dom.js';

// Names sort as people read them: "émile" beside "Emile", "ada 2" before "ada 10".
const byName = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

/**
 * Roster holds the room's participant entries, keyed by participant id, and keeps the list
 * element showing them. The entries come from the data channel; the list is redrawn whole
 * on each change, which at a meeting's size is simpler than patching it and as fast.
 */
export class Roster {
  #list;
  #onChange;
  #entries = new Map();
  #selfId = null;

  /** onChange runs after every change of the entries. */
  constructor(list, onChange = () => {}) {
    this.#list = list;
    this.#onChange = onChange;
  }

  /** selfId is our own participant id, marked "(you)" in the list. */
  set selfId(id) {
    this.#selfId = id;
    this.#render();
  }

  /** reset replaces every entry, as a "roster" message does. It returns the valid ones. */
  reset(participants) {
    this.#entries.clear();
    const valid = (Array.isArray(participants) ? participants : []).filter(isEntry).map(named);
    for (const p of valid) {
      this.#entries.set(p.id, p);
    }
    this.#render();
    return valid;
  }

  /** upsert adds or updates one entry and returns it merged, or null if it is malformed. */
  upsert(p) {
    if (!isEntry(p)) {
      return null;
    }
    const merged = named({ ...this.#entries.get(p.id), ...p });
    this.#entries.set(p.id, merged);
    this.#render();
    return merged;
  }

  /** update changes fields of an existing entry only; it returns the entry, or null. */
  update(id, fields) {
    return this.#entries.has(id) ? this.upsert({ ...fields, id }) : null;
  }

  /** remove drops the entry with this id. */
  remove(id) {
    this.#entries.delete(id);
    this.#render();
  }

  get(id) {
    return this.#entries.get(id) ?? null;
  }

  /** others lists everyone but us, by name. */
  others() {
    return this.#sorted().filter((p) => p.id !== this.#selfId);
  }

  clear() {
    this.#entries.clear();
    this.#selfId = null;
    this.#render();
  }

  #render() {
    this.#list.replaceChildren(...this.#sorted().map((p) => this.#item(p)));
    this.#onChange();
  }

  // sorted lists us first, then everyone by name; ids keep equal names in a stable order.
  #sorted() {
    const self = (p) => (p.id === this.#selfId ? 0 : 1);
    return [...this.#entries.values()].sort((a, b) => self(a) - self(b) ||
      byName.compare(a.name, b.name) || (a.id < b.id ? -1 : Number(a.id > b.id)));
  }

  #item(p) {
    const self = p.id === this.#selfId;
    const classes = [self ? 'self' : '', p.speaking === true ? 'speaking' : ''].join(' ');
    const item = el('li', { className: classes.trim(), 'data-testid': 'participant',
      'data-participant-id': p.id },
    el('span', { className: 'name', title: p.name }, self ? `${p.name} (you)` : p.name));
    if (p.speaking === true) {
      item.append(el('span', { className: 'speaking-flag' }, 'speaking'));
    }
    if (p.hand === true) {
      item.append(el('span', { className: 'hand', title: 'Hand raised',
        'data-testid': 'hand-raised' }, 'hand up'));
    }
    item.append(flag('mic', 'Microphone', p.audio), flag('camera', 'Camera', p.video));
    return item;
  }
}

/**
 * fillRecipients offers "Everyone" and each of entries as the recipient of a chat message in
 * select, keeping the choice made if that participant is still there.
 */
export function fillRecipients(select, entries) {
  const chosen = select.value;
  const options = [new Option('Everyone', '')];
  for (const p of entries) {
    options.push(new Option(`Only ${p.name}`, p.id));
  }
  select.replaceChildren(...options);
  select.value = options.some((o) => o.value === chosen) ? chosen : '';
}

function flag(label, title, on) {
  const state = on === false ? 'off' : 'on';
  return el('span', { className: `flag ${state}`, title: `${title} ${state}`,
    'data-state': state }, `${label} ${state}`);
}

function isEntry(p) {
  return typeof p?.id === 'string' && p.id !== '';
}

// named gives a nameless entry a placeholder, so that no view has to check for one.
function named(p) {
  return typeof p.name === 'string' && p.name !== '' ? p : { ...p, name: 'Someone' };
}
