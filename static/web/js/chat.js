// The "chat" data channel of docs/datachannel.md: chat and presence, JSON in and out.

const MAX_BYTES = 16 * 1024;
const MAX_CHARS = 4000;

/**
 * ChatChannel speaks the data channel protocol. It lives as long as a visit to a room, and
 * gets its data channel once the call has made one: chat typed before then, or while the
 * channel opens, waits in an outbox. handlers maps each server message type (roster, join,
 * leave, state, chat, error) to its function; onOpen runs when the channel opens, before
 * anything waiting is sent.
 */
export class ChatChannel {
  #dc = null;
  #handlers;
  #onOpen;
  #outbox = [];

  constructor(handlers, onOpen) {
    this.#handlers = handlers;
    this.#onOpen = onOpen;
  }

  /** attach starts using dc, the call's "chat" data channel. */
  attach(dc) {
    this.#dc = dc;
    // The protocol sends text, but a binary message of the same JSON costs nothing to accept.
    dc.binaryType = 'arraybuffer';
    dc.onmessage = (e) => this.#receive(
      typeof e.data === 'string' ? e.data : new TextDecoder().decode(e.data));
    dc.onopen = () => {
      this.#onOpen();
      for (const text of this.#outbox.splice(0)) {
        dc.send(text);
      }
    };
  }

  /**
   * sendChat sends text and returns the clientId the server will echo back with it. Throws,
   * with a sentence for the user, if the text breaks the protocol's limits or the channel
   * has closed.
   */
  sendChat(text) {
    // The server wants valid UTF-8; a lone surrogate in a JavaScript string is not.
    const clean = text.toWellFormed?.() ?? text;
    const chars = [...clean].length;
    if (chars === 0 || clean.trim() === '') {
      throw new Error('Type a message first.');
    }
    if (chars > MAX_CHARS) {
      throw new Error(`A message can be at most ${MAX_CHARS.toLocaleString()} characters.`);
    }

    const clientId = crypto.randomUUID();
    const frame = JSON.stringify({ type: 'chat', text: clean, clientId });
    if (new TextEncoder().encode(frame).length > MAX_BYTES) {
      throw new Error('That message is too large to send.');
    }
    this.#send(frame);
    return clientId;
  }

  /**
   * sendState tells the room whether our microphone and camera are on. Before the channel
   * opens it sends nothing: onOpen is the place to send the state as it is by then.
   */
  sendState(audio, video) {
    if (this.#dc?.readyState === 'open') {
      this.#dc.send(JSON.stringify({ type: 'state', audio, video }));
    }
  }

  close() {
    if (this.#dc) {
      this.#dc.onmessage = null;
      this.#dc.onopen = null;
    }
    this.#outbox = [];
  }

  #send(frame) {
    const state = this.#dc?.readyState ?? 'connecting';
    if (state === 'open') {
      this.#dc.send(frame);
    } else if (state === 'connecting') {
      this.#outbox.push(frame);
    } else {
      throw new Error('Chat is not connected.');
    }
  }

  #receive(data) {
    let msg;
    try {
      msg = JSON.parse(data);
    } catch {
      console.warn('chat: a message that is not JSON');
      return;
    }
    if (typeof msg?.type !== 'string' || !Object.hasOwn(this.#handlers, msg.type)) {
      console.warn('chat: unknown message type', msg?.type);
      return;
    }
    this.#handlers[msg.type](msg);
  }
}
