// The signaling WebSocket of docs/signaling.md: JSON objects with a "type", in and out.

// What each close code of the protocol means, for when the server gives no reason text.
const closeText = new Map([
  [1000, 'The call has ended.'],
  [1001, 'The server is shutting down.'],
  [1006, 'The connection to the server was lost.'],
  [1008, 'The room refused to let you in.'],
  [1009, 'A message was too large for the server.'],
  [1011, 'The server could not set up the call.'],
]);

/** describeClose turns a WebSocket close into a sentence for the status line. */
export function describeClose(code, reason) {
  return reason || closeText.get(code) || `The connection to the server closed (code ${code}).`;
}

/**
 * NotConnected is a WebSocket that closed before it opened. The browser does not say why (a
 * refused upgrade and a dead server look alike), so the caller decides what to try next.
 */
export class NotConnected extends Error {
  constructor() {
    super('Could not connect to the server.');
    this.name = 'NotConnected';
  }
}

/** Signal is one signaling WebSocket; handlers maps a server message type to its function. */
export class Signal {
  #ws = null;
  #handlers;
  #onClose;

  constructor(handlers, onClose) {
    this.#handlers = handlers;
    this.#onClose = onClose;
  }

  /** open connects with the access token; it rejects with NotConnected if that fails. */
  open(token) {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const url = `${scheme}//${location.host}/ws?access_token=${encodeURIComponent(token)}`;
    const ws = new WebSocket(url);
    this.#ws = ws;

    return new Promise((resolve, reject) => {
      ws.onmessage = (e) => this.#receive(e.data);
      ws.onclose = () => reject(new NotConnected());
      ws.onopen = () => {
        ws.onclose = (e) => this.#onClose(e.code, e.reason);
        resolve();
      };
    });
  }

  /** send writes msg if the socket is open, and reports whether it did. */
  send(msg) {
    if (this.#ws?.readyState !== WebSocket.OPEN) {
      return false;
    }
    this.#ws.send(JSON.stringify(msg));
    return true;
  }

  /**
   * leave says goodbye and closes without reporting the close: it is the one we asked for.
   * The browser sends what is queued before the close frame, so "leave" still arrives.
   */
  leave() {
    const ws = this.#ws;
    if (!ws) {
      return;
    }
    this.#ws = null;
    if (ws.readyState === WebSocket.CONNECTING) {
      // Still opening: closing now makes open() reject, so whoever waits on it is released.
      ws.close();
      return;
    }
    if (ws.readyState === WebSocket.OPEN) {
      ws.send(JSON.stringify({ type: 'leave' }));
    }
    ws.onclose = null;
    ws.onmessage = null;
    ws.close(1000, 'leave');
  }

  #receive(data) {
    let msg;
    try {
      msg = JSON.parse(data);
    } catch {
      console.warn('signal: a frame that is not JSON');
      return;
    }
    // hasOwn, so that a type such as "constructor" finds no handler through the prototype.
    if (typeof msg?.type !== 'string' || !Object.hasOwn(this.#handlers, msg.type)) {
      console.warn('signal: unknown message type', msg?.type);
      return;
    }
    this.#handlers[msg.type](msg);
  }
}
