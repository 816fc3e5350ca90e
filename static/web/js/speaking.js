// Whether we are speaking, from the microphone's level, for the room's "speaking" events.

const INTERVAL_MS = 100;
// The level (root mean square of the samples, from 0 to 1) above which a sample is voice.
const THRESHOLD = 0.02;
// Silence this long ends speaking, so that the pauses between words do not.
const HOLD_MS = 800;

/**
 * SpeakingDetector watches the stream's microphone and calls onChange(speaking) each time we
 * start or stop speaking. A muted microphone is silence. Without a microphone, or without
 * Web Audio, it never calls.
 */
export class SpeakingDetector {
  #ctx = null;
  #timer = null;

  constructor(stream, onChange) {
    const track = stream?.getAudioTracks()[0];
    if (!track || typeof AudioContext === 'undefined') {
      return;
    }
    const ctx = this.#ctx = new AudioContext();
    ctx.resume().catch(() => {});
    const analyser = ctx.createAnalyser();
    analyser.fftSize = 512;
    ctx.createMediaStreamSource(new MediaStream([track])).connect(analyser);

    const samples = new Float32Array(analyser.fftSize);
    let lastVoice = -Infinity;
    let speaking = false;
    this.#timer = setInterval(() => {
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const v of samples) {
        sum += v * v;
      }
      const now = performance.now();
      if (track.enabled && Math.sqrt(sum / samples.length) > THRESHOLD) {
        lastVoice = now;
      }
      const next = now - lastVoice < HOLD_MS;
      if (next !== speaking) {
        speaking = next;
        onChange(speaking);
      }
    }, INTERVAL_MS);
  }

  stop() {
    clearInterval(this.#timer);
    this.#ctx?.close().catch(() => {});
    this.#ctx = null;
  }
}
