// The participant list: everyone in the room, with their microphone and camera.

import { el } from './dom.js';

/**
 * Roster holds the room's participant entries, keyed by participant id, and keeps the list
 * element showing them. The entries come from the data channel; the list is redrawn whole
 * on each change, which at a meeting's size is simpler than patching it and as fast.
 */
export class Roster {
  #list;
  #entries = new Map();
  #selfId = null;

  constructor(list) {
    this.#list = list;
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

  clear() {
    this.#entries.clear();
    this.#selfId = null;
    this.#render();
  }

  #render() {
    this.#list.replaceChildren(...[...this.#entries.values()].map((p) => this.#item(p)));
  }

  #item(p) {
    const self = p.id === this.#selfId;
    return el('li', { className: self ? 'self' : '', 'data-testid': 'participant',
      'data-participant-id': p.id },
    el('span', { className: 'name' }, self ? `${p.name} (you)` : p.name),
    flag('mic', 'Microphone', p.audio),
    flag('camera', 'Camera', p.video));
  }
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
