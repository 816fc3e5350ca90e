// Direct messages: the conversation panel, unread marks, and messages still on their way.

import * as api from './api.js';
import { ChatLog } from './chatlog.js';
import * as status from './status.js';

const HISTORY_PAGE = 50;

/**
 * DirectMessages keeps the page's direct messages. ui holds the panel's elements (panel,
 * title, log, form, input); io holds what it needs from the rest of the page:
 *   channel()             the lobby's ChatChannel, or null while it reconnects
 *   nameOf(userId)        what to call a user
 *   unread(userId, n)     how many messages from userId are unread now
 * A message shows once the server's copy returns; one still waiting for it when the lobby
 * reconnects is sent again with its first clientId, so the server stores and shows it once.
 */
export class DirectMessages {
  #ui;
  #io;
  #log;
  #me = null;
  #open = null;
  #conversations = new Map(); // user id → Map of message id → message
  #unread = new Map(); // user id → Set of unread message ids
  #pending = new Map(); // clientId → { to, text }

  constructor(ui, io) {
    this.#ui = ui;
    this.#io = io;
    this.#log = new ChatLog(ui.log, 'dm-message');
    ui.form.addEventListener('submit', (e) => {
      e.preventDefault();
      this.#submit();
    });
    document.addEventListener('visibilitychange', () => this.#markRead());
  }

  /** reset forgets everything, for the user whose id is me (null when signed out). */
  reset(me) {
    this.#me = me;
    this.#open = null;
    this.#conversations.clear();
    this.#unread.clear();
    this.#pending.clear();
    this.#ui.panel.hidden = true;
    this.#log.clear();
  }

  /** openWith shows the conversation with userId and loads its recent history. */
  async openWith(userId) {
    this.#open = userId;
    this.#ui.panel.hidden = false;
    this.#ui.title.textContent = `Messages with ${this.#io.nameOf(userId)}`;
    this.#render();
    this.#ui.input.focus();
    try {
      const path = `/api/messages/${encodeURIComponent(userId)}?limit=${HISTORY_PAGE}`;
      const body = await api.authorizedGet(path);
      for (const m of Array.isArray(body?.messages) ? body.messages : []) {
        if (this.#store(m) === userId && m.from.userId === userId && !m.read) {
          this.#unreadOf(userId).add(m.id);
        }
      }
    } catch (err) {
      status.show(`Could not load the conversation: ${err.message}`, 'warn');
    }
    if (this.#open === userId) {
      this.#render();
      this.#markRead();
    }
  }

  /** receive takes a "dm" message from either channel. */
  receive(m) {
    const other = this.#store(m);
    if (!other) {
      return;
    }
    if (this.#pending.delete(m.clientId)) {
      status.clear(); // the send went through: what went wrong before is over
    }
    if (m.from.userId === other && !m.read) {
      this.#unreadOf(other).add(m.id);
      this.#io.unread(other, this.#unreadOf(other).size);
    }
    if (this.#open === null && m.from.userId === other) {
      this.openWith(other);
      return;
    }
    if (this.#open === other) {
      this.#render();
      this.#markRead();
    }
  }

  /** markedRead takes a "read" message: this user read other's messages up to an id. */
  markedRead(m) {
    const ids = this.#unread.get(m.with);
    if (!ids) {
      return;
    }
    for (const id of ids) {
      if (id <= m.upTo) {
        ids.delete(id);
      }
    }
    this.#io.unread(m.with, ids.size);
  }

  /** resend sends again what the server has not confirmed; call when the lobby reopens. */
  resend(channel) {
    for (const [clientId, { to, text }] of this.#pending) {
      try {
        channel.sendDirect(to, text, clientId);
      } catch (err) {
        console.warn('dm: resend failed:', err.message);
      }
    }
  }

  // store keeps a valid message and returns the other user's id, or null.
  #store(m) {
    if (!Number.isInteger(m?.id) || typeof m.from?.userId !== 'string' ||
        typeof m.to?.userId !== 'string') {
      return null;
    }
    const other = m.from.userId === this.#me ? m.to.userId : m.from.userId;
    if (!this.#conversations.has(other)) {
      this.#conversations.set(other, new Map());
    }
    this.#conversations.get(other).set(m.id, m);
    return other;
  }

  #unreadOf(userId) {
    if (!this.#unread.has(userId)) {
      this.#unread.set(userId, new Set());
    }
    return this.#unread.get(userId);
  }

  #submit() {
    const to = this.#open;
    const channel = this.#io.channel();
    if (!to) {
      return;
    }
    if (!channel) {
      status.show('Messages are reconnecting; try again in a moment.', 'warn');
      return;
    }
    try {
      const text = this.#ui.input.value;
      const clientId = channel.sendDirect(to, text);
      this.#pending.set(clientId, { to, text });
      this.#ui.input.value = '';
    } catch (err) {
      status.show(err.message, 'warn');
    }
  }

  // markRead tells the server, once the page is in view, that the open conversation is read.
  #markRead() {
    const other = this.#open;
    const ids = other && this.#unread.get(other);
    if (!ids || ids.size === 0 || document.visibilityState !== 'visible') {
      return;
    }
    const upTo = Math.max(...ids);
    if (this.#io.channel()?.sendControl({ type: 'read', with: other, upTo })) {
      ids.clear();
      this.#io.unread(other, 0);
    }
  }

  #render() {
    this.#log.clear();
    const messages = [...(this.#conversations.get(this.#open)?.values() ?? [])]
      .sort((a, b) => a.id - b.id);
    for (const m of messages) {
      this.#log.add(m, m.from.userId === this.#me);
    }
  }
}
