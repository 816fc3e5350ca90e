// One of the call's two peer connections, with the ordering trickle ICE needs.

/**
 * Peer wraps an RTCPeerConnection whose role ("publisher" or "subscriber") is also the
 * "target" of its candidates on the wire.
 *
 * Session descriptions and remote candidates are applied one at a time, in arrival order,
 * through run(): applying them is asynchronous, and a candidate must not overtake the
 * description it belongs to. Remote candidates that come before a remote description with
 * media are held until one is set; local ones are held until our own description has been
 * sent, so the server never sees a candidate for a connection it has not heard of.
 */
export class Peer {
  #queue = Promise.resolve();
  #early = [];
  #outgoing = [];
  #described = false;
  #sendCandidate;

  constructor(target, sendCandidate, onFailed) {
    this.target = target;
    this.pc = new RTCPeerConnection();
    this.#sendCandidate = sendCandidate;

    this.pc.onicecandidate = (e) => {
      // A null or empty candidate only marks the end of gathering; the protocol lets us omit it.
      if (e.candidate?.candidate) {
        this.#local(e.candidate);
      }
    };
    this.pc.onconnectionstatechange = () => {
      if (this.pc.connectionState === 'failed') {
        onFailed(target);
      }
    };
  }

  /** run queues step behind every earlier one; it returns step's result. */
  run(step) {
    const result = this.#queue.then(step);
    this.#queue = result.catch(() => {});
    return result;
  }

  /** setRemote applies a description, then the candidates that waited for it. Call in run. */
  async setRemote(description) {
    await this.pc.setRemoteDescription(description);
    for (const candidate of this.#early.splice(0)) {
      await this.#add(candidate);
    }
  }

  /** addRemoteCandidate applies a server candidate, or holds it for the remote description. */
  addRemoteCandidate(candidate) {
    return this.run(() => this.#add(candidate));
  }

  /** described marks our description as sent, which releases the local candidates. */
  described() {
    this.#described = true;
    for (const candidate of this.#outgoing.splice(0)) {
      this.#sendCandidate(this.target, candidate);
    }
  }

  close() {
    this.pc.onicecandidate = null;
    this.pc.onconnectionstatechange = null;
    this.pc.close();
  }

  #local(candidate) {
    const init = {
      candidate: candidate.candidate,
      sdpMid: candidate.sdpMid,
      sdpMLineIndex: candidate.sdpMLineIndex,
    };
    if (this.#described) {
      this.#sendCandidate(this.target, init);
    } else {
      this.#outgoing.push(init);
    }
  }

  async #add(candidate) {
    // Before any remote description, or after one without an m-section, there is no
    // transport to take the candidate yet; the next description brings one, with the same
    // ICE credentials, so the candidate waits for it.
    if (!/^m=/m.test(this.pc.remoteDescription?.sdp ?? '')) {
      this.#early.push(candidate);
      return;
    }
    try {
      await this.pc.addIceCandidate(candidate);
    } catch (err) {
      // One bad candidate costs one path, not the call: the others may still connect.
      console.warn(`${this.target}: candidate refused:`, err.message);
    }
  }
}
