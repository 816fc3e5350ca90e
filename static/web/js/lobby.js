// The lobby connection of docs/signaling.md: a signed-in page's one connection outside rooms,
// a peer connection that carries only the "chat" data channel, for presence and direct
// messages. It stays open while the page is in a room.

import * as api from './api.js';
import { ChatChannel } from './chat.js';
import { Peer } from './peer.js';
import { Signal, NotConnected } from './signal.js';

// How long to wait before each attempt to connect again; the last repeats.
const RETRY_MS = [1000, 2000, 5000, 10000];

/**
 * Lobby keeps the lobby connection open while started, and connects again after a loss.
 * handlers maps each lobby message type (users, rooms, user, room, dm, read, error) to its
 * function; onOpen(channel) runs each time a new channel opens, and onSignedOut(reason) when
 * the session has ended and the user must sign in again.
 */
export class Lobby {
  #handlers;
  #onOpen;
  #onSignedOut;
  #signal = null;
  #peer = null;
  #chat = null;
  #running = false;
  #attempt = 0;
  #timer = null;

  constructor(handlers, onOpen, onSignedOut) {
    this.#handlers = handlers;
    this.#onOpen = onOpen;
    this.#onSignedOut = onSignedOut;
  }

  /** channel is the current ChatChannel, or null between connections. */
  get channel() {
    return this.#chat;
  }

  start() {
    if (this.#running) {
      return;
    }
    this.#running = true;
    this.#attempt = 0;
    this.#connect();
  }

  stop() {
    this.#running = false;
    clearTimeout(this.#timer);
    this.#teardown();
  }

  async #connect() {
    const chat = this.#chat = new ChatChannel(this.#handlers, () => {
      this.#attempt = 0;
      this.#onOpen(chat);
    });
    const signal = this.#signal = new Signal({
      connected: () => this.#publish(signal, chat),
      answer: (m) => this.#onAnswer(m),
      candidate: (m) => {
        if (m.target === 'publisher' && m.candidate) {
          this.#peer?.addRemoteCandidate(m.candidate);
        }
      },
      error: (m) => console.warn('lobby:', m.message || m.code),
      'going-away': () => {},
    }, () => this.#lost(signal));

    try {
      await this.#open(signal);
    } catch (err) {
      if (err instanceof api.SessionEnded) {
        this.stop();
        this.#onSignedOut(err.message);
      } else {
        this.#lost(signal);
      }
      return;
    }
    if (this.#signal === signal) {
      signal.send({ type: 'connect' });
    }
  }

  // open connects the WebSocket; a refused upgrade is most likely an expired token, so it
  // refreshes the token once and tries again.
  async #open(signal) {
    try {
      await signal.open(await api.accessToken());
    } catch (err) {
      if (!(err instanceof NotConnected) || this.#signal !== signal) {
        throw err;
      }
      await signal.open(await api.refresh());
    }
  }

  #publish(signal, chat) {
    if (this.#signal !== signal || this.#peer) {
      return;
    }
    const peer = this.#peer = new Peer('publisher',
      (target, candidate) => signal.send({ type: 'candidate', target, candidate }),
      () => this.#lost(signal));
    chat.attach(peer.pc.createDataChannel('chat', { ordered: true }));
    peer.run(async () => {
      const offer = await peer.pc.createOffer();
      await peer.pc.setLocalDescription(offer);
      if (this.#peer !== peer) {
        return;
      }
      signal.send({ type: 'offer', sdp: peer.pc.localDescription.sdp });
      peer.described();
    }).catch(() => this.#lost(signal));
  }

  #onAnswer(m) {
    const peer = this.#peer;
    peer?.run(() => peer.setRemote({ type: 'answer', sdp: m.sdp }))
      .catch(() => this.#lost(this.#signal));
  }

  // lost ends the connection that failed and, while started, tries again after a pause.
  #lost(signal) {
    if (signal !== this.#signal) {
      return;
    }
    this.#teardown();
    if (!this.#running) {
      return;
    }
    const wait = RETRY_MS[Math.min(this.#attempt, RETRY_MS.length - 1)];
    this.#attempt++;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#connect(), wait);
  }

  #teardown() {
    this.#signal?.leave();
    this.#peer?.close();
    this.#chat?.close();
    this.#signal = this.#peer = this.#chat = null;
  }
}
