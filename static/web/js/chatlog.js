// The chat panel's list of messages.

import { el } from './dom.js';

const clock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

/** ChatLog shows chat messages as the server stamped them: sender, time, text. */
export class ChatLog {
  #list;

  constructor(list) {
    this.#list = list;
  }

  /** add appends msg; mine marks our own messages so they read apart from the others. */
  add(msg, mine) {
    const when = new Date(msg.time);
    const item = el('li', { className: mine ? 'mine' : '', 'data-testid': 'chat-message' },
      el('div', { className: 'meta' },
        el('span', { className: 'from' }, msg.from?.name || 'Someone'),
        el('time', { dateTime: String(msg.time ?? '') },
          Number.isNaN(when.getTime()) ? '' : clock.format(when))),
      el('p', { className: 'text' }, String(msg.text ?? '')));

    // Follow new messages only if the reader was already at the bottom, not reading back.
    const list = this.#list;
    const following = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
    list.append(item);
    if (following) {
      list.scrollTop = list.scrollHeight;
    }
  }

  clear() {
    this.#list.replaceChildren();
  }
}
