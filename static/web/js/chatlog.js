// A list of chat messages: the room's chat panel, or a conversation of direct messages.

import { el } from './dom.js';

const clock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

/**
 * ChatLog shows messages as the server stamped them: sender, time, text. Each item carries
 * testId as its data-testid. A message whose id is already shown is not shown again.
 */
export class ChatLog {
  #list;
  #testId;
  #shown = new Set();

  constructor(list, testId = 'chat-message') {
    this.#list = list;
    this.#testId = testId;
  }

  /** add appends msg; mine marks our own messages so they read apart from the others. */
  add(msg, mine) {
    if (Number.isInteger(msg.id)) {
      if (this.#shown.has(msg.id)) {
        return;
      }
      this.#shown.add(msg.id);
    }
    const when = new Date(msg.time);
    const meta = el('div', { className: 'meta' },
      el('span', { className: 'from' }, msg.from?.name || 'Someone'),
      el('time', { dateTime: String(msg.time ?? '') },
        Number.isNaN(when.getTime()) ? '' : clock.format(when)));
    if (msg.private) {
      const names = (Array.isArray(msg.to) ? msg.to : []).map((p) => p?.name || 'someone');
      meta.append(el('span', { className: 'private' }, `privately to ${names.join(', ')}`));
    }
    const classes = [mine ? 'mine' : '', msg.private ? 'private' : ''].join(' ').trim();
    const item = el('li', { className: classes, 'data-testid': this.#testId },
      meta, el('p', { className: 'text' }, String(msg.text ?? '')));

    // Follow new messages only if the reader was already at the bottom, not reading back.
    const list = this.#list;
    const following = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
    list.append(item);
    if (following) {
      list.scrollTop = list.scrollHeight;
    }
  }

  clear() {
    this.#shown.clear();
    this.#list.replaceChildren();
  }
}
