// The room view: a call, the local media and the panels that show what the call brings.

import * as api from './api.js';
import { Call } from './call.js';
import { ChatChannel } from './chat.js';
import { ChatLog } from './chatlog.js';
import { captureMedia, LocalMedia } from './media.js';
import { Roster, fillRecipients } from './roster.js';
import { NotConnected } from './signal.js';
import { SpeakingDetector } from './speaking.js';
import * as status from './status.js';
import { Tiles, caption } from './tiles.js';

/**
 * Room runs one visit to a room at a time. onExit(reason, kind) is called once when the visit
 * is over; kind is "left" (the user asked), "error" (reason says what went wrong),
 * "signed-out" (the session ended and the user must sign in again) or "restart" (the server
 * said it was shutting down, so the page should join again shortly).
 */
export class Room {
  #ui;
  #onExit;
  #tiles;
  #roster;
  #log;
  #call = null;
  #media = null;
  #chat = null;
  #speaking = null;
  #hand = false;
  #name = '';
  #selfId = null;
  // Each enter() gets a fresh token; a step that finds another one in place has been left
  // behind (the user left while it waited) and gives up.
  #visit = null;
  // clientIds of our chat messages that the server has not echoed yet.
  #unacked = new Set();
  // Set when the server says it is going away: the end of the call is then a restart.
  #goingAway = false;

  constructor(ui, onExit) {
    this.#ui = ui;
    this.#onExit = onExit;
    this.#tiles = new Tiles(ui.tiles);
    this.#roster = new Roster(ui.roster, () => this.#syncRecipients());
    this.#log = new ChatLog(ui.chatLog);

    ui.mic.addEventListener('click', () => this.#toggle('audio'));
    ui.camera.addEventListener('click', () => this.#toggle('video'));
    ui.hand.addEventListener('click', () => this.#raiseHand(!this.#hand));
    ui.leave.addEventListener('click', () => this.leave());
    ui.chatForm.addEventListener('submit', (e) => {
      e.preventDefault();
      this.#sendChat();
    });
  }

  /** active reports whether a visit is under way. */
  get active() {
    return this.#visit !== null;
  }

  get publisher() {
    return this.#call?.publisher ?? null;
  }

  get subscriber() {
    return this.#call?.subscriber ?? null;
  }

  /** enter joins the room called name as user, with camera and microphone if we get them. */
  async enter(name, user) {
    const visit = this.#visit = Symbol(name);
    this.#name = user.displayName || user.username;
    try {
      await this.#start(visit, name);
    } catch (err) {
      if (this.#visit === visit) {
        this.#finish(err.message, err instanceof api.SessionEnded ? 'signed-out' : 'error');
      }
    }
  }

  /** leave ends the visit at the user's request. */
  leave() {
    if (this.#visit) {
      this.#finish('', 'left');
    }
  }

  async #start(visit, name) {
    this.#chat = this.#openChat();
    let stream = null;
    try {
      stream = await captureMedia();
    } catch (err) {
      status.show(`Joining without camera and microphone: ${err.message}.`, 'warn');
    }
    if (this.#visit !== visit) {
      stream?.getTracks().forEach((t) => t.stop());
      return;
    }

    this.#media = new LocalMedia(stream);
    this.#ui.localVideo.srcObject = stream;
    this.#speaking = new SpeakingDetector(stream, (on) => this.#sendSpeaking(on));
    this.#syncControls();

    const call = this.#call = new Call(name, stream, {
      joined: (p) => this.#onJoined(p),
      track: (track, s) => this.#onTrack(track, s),
      channel: (dc) => this.#chat?.attach(dc),
      notice: (text) => status.show(text, 'error'),
      goingAway: () => {
        this.#goingAway = true;
        status.show('The server is restarting; this page will join the room again.', 'warn');
      },
      ended: (reason) => this.#finish(reason, this.#goingAway ? 'restart' : 'error'),
    });
    await this.#connect(call, visit);
    if (this.#visit === visit) {
      call.join();
    }
  }

  // connect opens the call's WebSocket. A browser hides why an upgrade failed; the likeliest
  // cause we can fix is an expired access token, so we refresh it once and try again.
  async #connect(call, visit) {
    try {
      await call.connect(await api.accessToken());
    } catch (err) {
      if (!(err instanceof NotConnected) || this.#visit !== visit) {
        throw err;
      }
      await call.connect(await api.refresh());
    }
  }

  #finish(reason, kind) {
    this.#visit = null;
    this.#goingAway = false;
    this.#call?.leave();
    this.#call = null;
    this.#chat?.close();
    this.#chat = null;
    this.#speaking?.stop();
    this.#speaking = null;
    this.#hand = false;
    this.#media?.stop();
    this.#media = null;
    this.#ui.localVideo.srcObject = null;
    this.#tiles.clear();
    this.#roster.clear();
    this.#log.clear();
    this.#unacked.clear();
    this.#selfId = null;
    this.#syncControls();
    this.#onExit(reason, kind);
  }

  #onJoined(p) {
    this.#selfId = p?.id ?? null;
    this.#roster.selfId = this.#selfId;
    if (p?.name) {
      this.#name = p.name;
    }
    this.#syncControls();
  }

  #onTrack(track, stream) {
    if (!stream) {
      console.warn('a track without a stream: no participant to show it for');
      return;
    }
    this.#tiles.addTrack(stream.id, track, stream);
    const p = this.#roster.get(stream.id);
    if (p) {
      this.#tiles.describe(p);
    }
  }

  #openChat() {
    return new ChatChannel({
      roster: (m) => {
        for (const p of this.#roster.reset(m.participants)) {
          this.#tiles.describe(p);
        }
        // The roster may predate the state we sent on opening; ours is the newer word.
        if (this.#selfId) {
          this.#roster.update(this.#selfId, this.#ownState());
        }
      },
      join: (m) => this.#upsert(m.participant),
      state: (m) => this.#upsert(m.participant),
      speaking: (m) => this.#upsert(m.participant),
      hand: (m) => this.#upsert(m.participant),
      leave: (m) => {
        const id = m.participant?.id;
        if (typeof id === 'string' && id !== this.#selfId) {
          this.#roster.remove(id);
          this.#tiles.remove(id);
        }
      },
      chat: (m) => {
        const acked = this.#unacked.delete(m.clientId);
        if (acked) {
          status.clear(); // the send went through: what went wrong before is over
        }
        this.#log.add(m, acked || m.from?.id === this.#selfId);
      },
      // Direct messages come here only when the lobby connection is down.
      dm: (m) => this.#ui.direct.receive(m),
      read: (m) => this.#ui.direct.markedRead(m),
      error: (m) => status.show(m.message || m.code || 'The server refused a message.', 'error'),
    }, () => {
      this.#sendState();
      if (this.#hand) {
        this.#raiseHand(true);
      }
    });
  }

  // raiseHand raises or lowers our hand, in our own entry at once and then for the room.
  #raiseHand(raised) {
    if (!this.#visit) {
      return;
    }
    this.#hand = raised;
    this.#chat?.sendControl({ type: 'hand', raised });
    if (this.#selfId) {
      this.#roster.update(this.#selfId, { hand: raised });
    }
    this.#syncControls();
  }

  #sendSpeaking(speaking) {
    this.#chat?.sendControl({ type: 'speaking', speaking });
    if (this.#selfId) {
      this.#roster.update(this.#selfId, { speaking });
    }
  }

  // syncRecipients offers everyone else in the room as the chat's private recipient.
  #syncRecipients() {
    fillRecipients(this.#ui.chatTo, this.#roster.others());
  }

  #upsert(participant) {
    const p = this.#roster.upsert(participant);
    if (p) {
      this.#tiles.describe(p);
    }
  }

  #toggle(kind) {
    if (!this.#media?.has(kind)) {
      return;
    }
    this.#media.toggle(kind);
    this.#syncControls();
    this.#sendState();
  }

  // sendState tells the room what we send, and shows it in our own roster entry at once
  // rather than waiting for the server to say so.
  #sendState() {
    const { audio, video } = this.#ownState();
    this.#chat?.sendState(audio, video);
    if (this.#selfId) {
      this.#roster.update(this.#selfId, { audio, video });
    }
  }

  #ownState() {
    return { audio: this.#media?.on('audio') ?? false, video: this.#media?.on('video') ?? false };
  }

  #syncControls() {
    const media = this.#media;
    const { audio, video } = this.#ownState();
    const { mic, camera, localTile } = this.#ui;

    mic.disabled = !media?.has('audio');
    mic.textContent = audio || mic.disabled ? 'Mute microphone' : 'Unmute microphone';
    mic.setAttribute('aria-pressed', String(!audio && !mic.disabled));

    camera.disabled = !media?.has('video');
    camera.textContent = video || camera.disabled ? 'Turn camera off' : 'Turn camera on';
    camera.setAttribute('aria-pressed', String(!video && !camera.disabled));

    const { hand } = this.#ui;
    hand.textContent = this.#hand ? 'Lower hand' : 'Raise hand';
    hand.setAttribute('aria-pressed', String(this.#hand));

    caption(localTile, `${this.#name} (you)`, audio, video, this.#hand);
  }

  #sendChat() {
    const input = this.#ui.chatInput;
    if (!this.#chat) {
      return;
    }
    try {
      const to = this.#ui.chatTo.value;
      this.#unacked.add(this.#chat.sendChat(input.value, to ? [to] : []));
      input.value = '';
    } catch (err) {
      status.show(err.message, 'warn');
    }
  }
}
