// The lobby's lists: every user, online or not, and the active rooms, kept live by the lobby
// channel.

import { el } from './dom.js';

/**
 * People shows the lobby's users and rooms. actions.openDirect(userId) opens a conversation
 * with a user; actions.joinRoom(name) joins a room. The lists are redrawn whole on each
 * change, which at a lobby's size is simpler than patching them and as fast.
 */
export class People {
  #usersList;
  #roomsList;
  #actions;
  #users = new Map();
  #rooms = new Map();
  #unread = new Map();
  #me = null;

  constructor(usersList, roomsList, actions) {
    this.#usersList = usersList;
    this.#roomsList = roomsList;
    this.#actions = actions;
  }

  /** reset forgets everything, for the user whose id is me. */
  reset(me) {
    this.#me = me;
    this.#users.clear();
    this.#rooms.clear();
    this.#unread.clear();
    this.#render();
  }

  /** snapshot takes one "users" message; the first of a snapshot replaces the list. */
  snapshot(users, first) {
    if (first) {
      this.#users.clear();
    }
    for (const u of Array.isArray(users) ? users : []) {
      this.#put(u);
    }
    this.#renderUsers();
  }

  /** update takes one "user" message's entry. */
  update(u) {
    this.#put(u);
    this.#renderUsers();
  }

  /** setRooms takes a "rooms" message; updateRoom a "room" message's entry. */
  setRooms(rooms) {
    this.#rooms.clear();
    for (const r of Array.isArray(rooms) ? rooms : []) {
      this.updateRoom(r, false);
    }
    this.#renderRooms();
  }

  updateRoom(r, render = true) {
    if (typeof r?.name !== 'string') {
      return;
    }
    if (r.size > 0) {
      this.#rooms.set(r.name, r.size);
    } else {
      this.#rooms.delete(r.name);
    }
    if (render) {
      this.#renderRooms();
    }
  }

  /** setUnread shows how many unread direct messages came from a user. */
  setUnread(userId, count) {
    this.#unread.set(userId, count);
    this.#renderUsers();
  }

  /** name is what to call a user. */
  name(userId) {
    const u = this.#users.get(userId);
    return u?.displayName || u?.username || 'Someone';
  }

  #put(u) {
    if (typeof u?.id === 'string' && u.id !== '') {
      this.#users.set(u.id, u);
    }
  }

  #render() {
    this.#renderUsers();
    this.#renderRooms();
  }

  #renderUsers() {
    const users = [...this.#users.values()].sort((a, b) =>
      Number(b.online) - Number(a.online) || this.name(a.id).localeCompare(this.name(b.id)));
    this.#usersList.replaceChildren(...users.map((u) => this.#userItem(u)));
  }

  #userItem(u) {
    const self = u.id === this.#me;
    const devices = Number.isInteger(u.devices) ? u.devices : 0;
    const rooms = Array.isArray(u.rooms) ? u.rooms : [];
    const item = el('li', {
      className: u.online ? 'online' : 'offline',
      'data-testid': 'lobby-user', 'data-user-id': u.id,
      'data-username': String(u.username ?? ''), 'data-online': String(Boolean(u.online)),
    },
    el('span', { className: 'dot', title: u.online ? 'Online' : 'Offline' }),
    el('span', { className: 'name', title: this.name(u.id) },
      self ? `${this.name(u.id)} (you)` : this.name(u.id)));
    if (devices > 1) {
      item.append(el('span', { className: 'devices', title: 'Signed in on this many devices' },
        `${devices} devices`));
    }
    if (rooms.length > 0) {
      item.append(el('span', { className: 'where' }, `in ${rooms.join(', ')}`));
    }
    const unread = this.#unread.get(u.id) ?? 0;
    if (unread > 0) {
      item.append(el('span', { className: 'unread', title: 'Unread messages' }, String(unread)));
    }
    if (!self) {
      const open = el('button', { type: 'button', className: 'quiet', 'data-testid': 'dm-open',
        title: `Message ${this.name(u.id)}` }, 'Message');
      open.addEventListener('click', () => this.#actions.openDirect(u.id));
      item.append(open);
    }
    return item;
  }

  #renderRooms() {
    const names = [...this.#rooms.keys()].sort();
    if (names.length === 0) {
      this.#roomsList.replaceChildren(el('li', { className: 'hint' }, 'No one is in a room.'));
      return;
    }
    this.#roomsList.replaceChildren(...names.map((name) => {
      const join = el('button', { type: 'button', className: 'quiet' }, 'Join');
      join.addEventListener('click', () => this.#actions.joinRoom(name));
      const size = this.#rooms.get(name);
      return el('li', { 'data-room': name },
        el('span', { className: 'name' }, name),
        el('span', { className: 'size' }, size === 1 ? '1 person' : `${size} people`),
        join);
    }));
  }
}
