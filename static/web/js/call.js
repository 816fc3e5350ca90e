// A call: the signaling WebSocket and the two peer connections of docs/signaling.md.
//
// The publisher connection carries what we send and we make its offers; the subscriber
// connection carries what we receive and the server makes its offers. With one offerer per
// connection, the two sides can never offer at once.

import { Peer } from './peer.js';
import { Signal, describeClose, NotConnected } from './signal.js';

/**
 * Call runs one visit to a room. events receives what the page shows:
 *   joined(participant)   the server accepted the join; participant is our own entry
 *   track(track, stream)  a remote track; stream.id is the publishing participant's id
 *   channel(dataChannel)  the "chat" data channel, still opening
 *   notice(text)          a refused request; the call goes on
 *   goingAway()           the server is shutting down; the call ends when it closes
 *   ended(reason)         the call ended without our asking; not called after leave()
 */
export class Call {
  #room;
  #stream;
  #events;
  #signal;
  #publisher = null;
  #subscriber = null;
  #closed = false;

  constructor(room, stream, events) {
    this.#room = room;
    this.#stream = stream;
    this.#events = events;
    this.#signal = new Signal({
      joined: (m) => this.#onJoined(m),
      offer: (m) => this.#onOffer(m),
      answer: (m) => this.#onAnswer(m),
      candidate: (m) => this.#onCandidate(m),
      error: (m) => events.notice(m.message || m.code || 'The server refused a request.'),
      'going-away': () => events.goingAway(),
    }, (code, reason) => this.#fail(describeClose(code, reason)));
  }

  /** publisher is the RTCPeerConnection we send on, or null before the join. */
  get publisher() {
    return this.#publisher?.pc ?? null;
  }

  /** subscriber is the RTCPeerConnection we receive on, or null before the join. */
  get subscriber() {
    return this.#subscriber?.pc ?? null;
  }

  /** connect opens the WebSocket; it rejects with NotConnected if it cannot. */
  async connect(token) {
    if (this.#closed) {
      throw new NotConnected();
    }
    await this.#signal.open(token);
  }

  /**
   * join asks for the room. The subscriber connection exists first, because the server's
   * first offer follows its "joined" at once.
   */
  join() {
    this.#subscriber = this.#peer('subscriber');
    this.#subscriber.pc.ontrack = (e) => this.#events.track(e.track, e.streams[0] ?? null);
    this.#signal.send({ type: 'join', room: this.#room });
  }

  /** leave ends the call at our request: the server hears "leave", then the socket closes. */
  leave() {
    if (this.#closed) {
      return;
    }
    this.#closed = true;
    this.#signal.leave();
    this.#publisher?.close();
    this.#subscriber?.close();
  }

  #fail(reason) {
    if (this.#closed) {
      return;
    }
    this.leave();
    this.#events.ended(reason);
  }

  #peer(target) {
    return new Peer(
      target,
      (t, candidate) => this.#signal.send({ type: 'candidate', target: t, candidate }),
      () => this.#fail('The media connection to the server failed.'),
    );
  }

  #onJoined(m) {
    if (this.#publisher) {
      return;
    }
    this.#events.joined(m.participant);
    this.#publish().catch((err) => this.#fail(`Could not start sending: ${err.message}`));
  }

  // publish offers our tracks and the chat channel. It runs even without tracks: the
  // channel alone is reason enough for the publisher connection.
  async #publish() {
    const peer = this.#publisher = this.#peer('publisher');
    for (const track of this.#stream?.getTracks() ?? []) {
      peer.pc.addTransceiver(track, { direction: 'sendonly', streams: [this.#stream] });
    }
    this.#events.channel(peer.pc.createDataChannel('chat', { ordered: true }));

    await peer.run(async () => {
      const offer = await peer.pc.createOffer();
      await peer.pc.setLocalDescription(offer);
      if (this.#closed) {
        return;
      }
      this.#signal.send({ type: 'offer', sdp: peer.pc.localDescription.sdp });
      peer.described();
    });
  }

  #onAnswer(m) {
    const peer = this.#publisher;
    if (!peer) {
      console.warn('signal: an answer before our offer');
      return;
    }
    peer.run(() => peer.setRemote({ type: 'answer', sdp: m.sdp }))
      .catch((err) => this.#fail(`The server's answer could not be used: ${err.message}`));
  }

  // The server keeps one offer outstanding and waits for its answer, so a failure here would
  // stall everything we receive: it ends the call rather than leave it silently broken.
  #onOffer(m) {
    const peer = this.#subscriber;
    if (!peer) {
      console.warn('signal: an offer before our join');
      return;
    }
    peer.run(async () => {
      await peer.setRemote({ type: 'offer', sdp: m.sdp });
      const answer = await peer.pc.createAnswer();
      await peer.pc.setLocalDescription(answer);
      if (this.#closed) {
        return;
      }
      this.#signal.send({ type: 'answer', sdp: peer.pc.localDescription.sdp });
      peer.described();
    }).catch((err) => this.#fail(`The server's offer could not be used: ${err.message}`));
  }

  #onCandidate(m) {
    const peer = m.target === 'publisher' ? this.#publisher
      : m.target === 'subscriber' ? this.#subscriber : null;
    if (!peer || !m.candidate) {
      console.warn('signal: a candidate for no known connection', m.target);
      return;
    }
    peer.addRemoteCandidate(m.candidate);
  }
}
