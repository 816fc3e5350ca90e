// The video tiles: ours, and one per remote participant whose tracks we receive.

import { el } from './dom.js';
import { columns } from './layout.js';

/** caption writes a tile's name, which of its devices are off, and a raised hand. */
export function caption(figure, name, audio, video, hand = false) {
  const label = figure.querySelector('.name');
  label.textContent = name;
  label.title = name;
  const flags = [];
  if (hand) {
    flags.push(el('span', { className: 'flag hand' }, 'hand up'));
  }
  if (audio === false) {
    flags.push(el('span', { className: 'flag off' }, 'mic off'));
  }
  if (video === false) {
    flags.push(el('span', { className: 'flag off' }, 'camera off'));
  }
  figure.querySelector('.flags').replaceChildren(...flags);
}

/**
 * Tiles keeps a tile per participant that sends us tracks. A tile comes with the first track
 * and goes with the last one, or with the participant's "leave". Its video element plays a
 * MediaStream of our own making, rebuilt on each change: the server may move a reused
 * receiver's track from one participant's stream to another's, so we track ownership here
 * instead of trusting one stream object for the tile's whole life.
 */
export class Tiles {
  #grid;
  #tiles = new Map();
  #owner = new Map();
  #watched = new WeakSet();

  constructor(grid) {
    this.#grid = grid;
    // The stage changes size with the window and with the panels beside it.
    new ResizeObserver(() => this.#layout()).observe(grid);
    // Our own tile is there from the start; a picture's shape is known once it plays.
    for (const video of grid.querySelectorAll('video')) {
      video.addEventListener('resize', () => this.#layout());
    }
  }

  /** addTrack shows track in participant id's tile, making the tile if needed. */
  addTrack(id, track, stream) {
    if (track.readyState === 'ended') {
      return;
    }
    this.removeTrack(track);
    const tile = this.#tiles.get(id) ?? this.#create(id);
    tile.tracks.add(track);
    this.#owner.set(track, id);
    this.#watch(track, stream);
    this.#play(tile);
  }

  /** removeTrack takes track out of its tile, and the tile away if that was its last. */
  removeTrack(track) {
    const id = this.#owner.get(track);
    if (id === undefined) {
      return;
    }
    this.#owner.delete(track);
    const tile = this.#tiles.get(id);
    tile.tracks.delete(track);
    if (tile.tracks.size === 0) {
      this.remove(id);
    } else {
      this.#play(tile);
    }
  }

  /** remove drops participant id's tile, as when they leave. */
  remove(id) {
    const tile = this.#tiles.get(id);
    if (!tile) {
      return;
    }
    for (const track of tile.tracks) {
      this.#owner.delete(track);
    }
    tile.video.srcObject = null;
    tile.figure.remove();
    this.#tiles.delete(id);
    this.#layout();
  }

  /** has reports whether participant id has a tile. */
  has(id) {
    return this.#tiles.has(id);
  }

  /** describe names a participant's tile from their roster entry, if they have one. */
  describe(p) {
    const tile = this.#tiles.get(p.id);
    if (tile) {
      caption(tile.figure, p.name, p.audio, p.video, p.hand === true);
    }
  }

  clear() {
    for (const id of [...this.#tiles.keys()]) {
      this.remove(id);
    }
  }

  #create(id) {
    const video = el('video', {
      'data-testid': 'remote-video', autoplay: true, playsInline: true,
    });
    video.addEventListener('resize', () => this.#layout());
    const figure = el('figure', { className: 'tile', 'data-participant-id': id },
      video,
      el('figcaption', {}, el('span', { className: 'name' }, 'Connecting…'),
        el('span', { className: 'flags' })));
    // If the browser blocked playback with sound, a click on the tile is the gesture it wants.
    figure.addEventListener('click', () => {
      video.play().then(() => figure.classList.remove('blocked'), () => {});
    });

    const tile = { figure, video, tracks: new Set() };
    this.#tiles.set(id, tile);
    this.#grid.append(figure);
    this.#layout();
    return tile;
  }

  // layout gives the grid the number of columns that shows its tiles, ours included, largest,
  // for pictures of the shape most of them have: 16:9 until one is known.
  #layout() {
    const count = this.#grid.querySelectorAll(':scope > .tile').length;
    const shapes = [...this.#grid.querySelectorAll('video')]
      .filter((v) => v.videoWidth > 0 && v.videoHeight > 0)
      .map((v) => v.videoWidth / v.videoHeight)
      .sort((a, b) => a - b);
    const aspect = shapes.length > 0 ? shapes[Math.floor(shapes.length / 2)] : 16 / 9;
    const cols = columns(count, this.#grid.clientWidth, this.#grid.clientHeight, aspect);
    this.#grid.style.setProperty('--columns', String(cols));
  }

  #play(tile) {
    tile.video.srcObject = new MediaStream([...tile.tracks]);
    tile.video.play().catch((err) => {
      if (err.name === 'NotAllowedError') {
        tile.figure.classList.add('blocked');
      }
    });
  }

  // watch removes a track when it ends, or when the server takes it out of the stream it
  // came in; the latter only while the track still belongs to that stream's participant.
  #watch(track, stream) {
    if (!this.#watched.has(track)) {
      this.#watched.add(track);
      track.addEventListener('ended', () => this.removeTrack(track));
    }
    if (stream && !this.#watched.has(stream)) {
      this.#watched.add(stream);
      stream.addEventListener('removetrack', (e) => {
        if (this.#owner.get(e.track) === stream.id) {
          this.removeTrack(e.track);
        }
      });
    }
  }
}
