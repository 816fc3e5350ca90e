// The local camera and microphone.

/** captureMedia asks for camera and microphone; it throws a sentence for the user if it can't. */
export async function captureMedia() {
  if (!navigator.mediaDevices?.getUserMedia) {
    // Browsers offer capture only to secure pages: https, or http on localhost.
    throw new Error('this browser offers no camera here (the page must be served over https)');
  }
  try {
    return await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
  } catch (err) {
    throw new Error(reasons[err.name] ?? err.message);
  }
}

const reasons = {
  NotAllowedError: 'permission was denied',
  NotFoundError: 'no camera or microphone was found',
  NotReadableError: 'the camera or microphone is in use elsewhere',
  OverconstrainedError: 'no camera or microphone fits',
};

/**
 * LocalMedia is what we send, possibly nothing. Muting sets track.enabled rather than
 * removing the track: the connection goes on sending silence and black frames, so turning
 * back on needs no renegotiation.
 */
export class LocalMedia {
  #stream;

  constructor(stream) {
    this.#stream = stream;
  }

  get stream() {
    return this.#stream;
  }

  /** has reports whether there is a track of kind ("audio" or "video") at all. */
  has(kind) {
    return this.#tracks(kind).length > 0;
  }

  /** on reports whether kind is being sent: a track exists and is enabled. */
  on(kind) {
    return this.#tracks(kind).some((t) => t.enabled);
  }

  /** toggle turns kind on or off and returns whether it is now on. */
  toggle(kind) {
    const next = !this.on(kind);
    for (const track of this.#tracks(kind)) {
      track.enabled = next;
    }
    return next;
  }

  /** stop releases the devices, which also turns off the camera light. */
  stop() {
    for (const track of this.#stream?.getTracks() ?? []) {
      track.stop();
    }
  }

  #tracks(kind) {
    return kind === 'audio'
      ? this.#stream?.getAudioTracks() ?? []
      : this.#stream?.getVideoTracks() ?? [];
  }
}
