// The "chat" data channel of docs/datachannel.md: chat and presence, JSON in and out.

const MAX_BYTES = 16 * 1024;
const MAX_CHARS = 4000;

/**
 * ChatChannel speaks the data channel protocol, on a room's channel or the lobby's. It lives
 * as long as its connection, and gets its data channel once the connection has made one:
 * messages typed before then, or while the channel opens, wait in an outbox. handlers maps
 * each server message type to its function; onOpen runs when the channel opens, before
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
   * sendChat sends text to the room, or privately to the participants whose ids are in to,
   * and returns the clientId the server will echo back with it. Throws, with a sentence for
   * the user, if the text breaks the protocol's limits or the channel has closed.
   */
  sendChat(text, to = []) {
    const clientId = crypto.randomUUID();
    const fields = { type: 'chat', text: checkText(text), clientId };
    if (to.length > 0) {
      fields.to = to;
    }
    this.#send(frame(fields));
    return clientId;
  }

  /**
   * sendDirect sends a direct message to the user with id to. A message sent again after a
   * reconnect passes its first clientId, so the server stores and shows it once.
   */
  sendDirect(to, text, clientId = crypto.randomUUID()) {
    this.#send(frame({ type: 'dm', to, text: checkText(text), clientId }));
    return clientId;
  }

  /**
   * sendState tells the room whether our microphone and camera are on. Before the channel
   * opens it sends nothing: onOpen is the place to send the state as it is by then.
   */
  sendState(audio, video) {
    this.sendControl({ type: 'state', audio, video });
  }

  /**
   * sendControl sends a message that only matters now (a hand, speaking, a read mark) if the
   * channel is open, and reports whether it did.
   */
  sendControl(msg) {
    if (this.#dc?.readyState !== 'open') {
      return false;
    }
    this.#dc.send(JSON.stringify(msg));
    return true;
  }

  /** open reports whether messages sent now go out at once. */
  get open() {
    return this.#dc?.readyState === 'open';
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

// checkText returns text fit to send, or throws a sentence for the user.
function checkText(text) {
  // The server wants valid UTF-8; a lone surrogate in a JavaScript string is not.
  const clean = text.toWellFormed?.() ?? text;
  const chars = [...clean].length;
  if (chars === 0 || clean.trim() === '') {
    throw new Error('Type a message first.');
  }
  if (chars > MAX_CHARS) {
    throw new Error(`A message can be at most ${MAX_CHARS.toLocaleString()} characters.`);
  }
  return clean;
}

// frame encodes a message, or throws if it is over the protocol's size.
function frame(fields) {
  const text = JSON.stringify(fields);
  if (new TextEncoder().encode(text).length > MAX_BYTES) {
    throw new Error('That message is too large to send.');
  }
  return text;
}
