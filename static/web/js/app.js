// The page's wiring: which view shows, and what its forms do.

import * as api from './api.js';
import { byTestId } from './dom.js';
import { Room } from './room.js';
import * as status from './status.js';

// Room names as docs/signaling.md allows them; checked here so the user hears why at once.
const ROOM_NAME = /^[A-Za-z0-9_.-]{1,64}$/;
const DEFAULT_ROOM = 'demo';

const byId = (id) => document.getElementById(id);

const views = {
  signin: byId('view-signin'),
  lobby: byId('view-lobby'),
  room: byId('view-room'),
};

const signinForm = byId('signin-form');
const lobbyForm = byId('lobby-form');
const signOut = byId('sign-out');
const roomField = byTestId('room-name');

const room = new Room({
  tiles: byId('tiles'),
  localTile: byId('local-tile'),
  localVideo: byTestId('local-video'),
  mic: byTestId('toggle-mic'),
  camera: byTestId('toggle-camera'),
  leave: byTestId('leave'),
  roster: byId('roster'),
  chatLog: byId('chat-log'),
  chatForm: byId('chat-form'),
  chatInput: byTestId('chat-input'),
}, (reason, kind) => {
  if (kind === 'signed-out') {
    rejoinsLeft = 0;
    showSignIn(reason);
    return;
  }
  if (kind === 'restart') {
    rejoinsLeft = REJOIN_ATTEMPTS;
  } else if (kind === 'left') {
    rejoinsLeft = 0;
  }
  if (rejoinsLeft > 0) {
    // The server is restarting: join again once it is likely back, a few times at most.
    rejoinsLeft--;
    showLobby('The server restarted: joining the room again…', 'warn');
    rejoinTimer = setTimeout(() => lobbyForm.requestSubmit(), REJOIN_DELAY_MS);
    return;
  }
  showLobby(reason, kind === 'error' ? 'error' : 'info');
});

// After the server says it is going away, the page joins again this many times, this far apart.
const REJOIN_ATTEMPTS = 10;
const REJOIN_DELAY_MS = 3000;
let rejoinsLeft = 0;
let rejoinTimer = null;

// For tests, which read the connections' statistics; getters, so they follow the call.
window.confab = {
  get publisher() { return room.publisher; },
  get subscriber() { return room.subscriber; },
};

function show(name) {
  for (const [key, view] of Object.entries(views)) {
    view.hidden = key !== name;
  }
  const user = api.session()?.user;
  byId('whoami').textContent = name !== 'signin' && user ? user.displayName || user.username : '';
  signOut.hidden = name === 'signin';
  if (name !== 'room') {
    byId('room-title').textContent = '';
  }
}

function showSignIn(message = '') {
  show('signin');
  status.show(message, 'warn');
  byTestId('login-username').focus();
}

function showLobby(message = '', kind = 'info') {
  show('lobby');
  status.show(message, kind);
  roomField.value = roomFromHash() || roomField.value || DEFAULT_ROOM;
  roomField.focus();
}

function roomFromHash() {
  return new URLSearchParams(location.hash.slice(1)).get('room') ?? '';
}

async function authenticate(request) {
  const buttons = signinForm.querySelectorAll('button');
  buttons.forEach((b) => { b.disabled = true; });
  status.clear();
  try {
    await request();
    byTestId('login-password').value = '';
    showLobby();
  } catch (err) {
    status.show(err.message, 'error');
  } finally {
    buttons.forEach((b) => { b.disabled = false; });
  }
}

signinForm.addEventListener('submit', (e) => {
  e.preventDefault();
  const username = byTestId('login-username').value.trim();
  const password = byTestId('login-password').value;
  authenticate(() => api.login(username, password));
});

byTestId('register-submit').addEventListener('click', () => {
  if (!signinForm.reportValidity()) {
    return;
  }
  const username = byTestId('login-username').value.trim();
  const password = byTestId('login-password').value;
  const displayName = byTestId('display-name').value.trim();
  authenticate(() => api.register(username, password, displayName));
});

lobbyForm.addEventListener('submit', (e) => {
  e.preventDefault();
  clearTimeout(rejoinTimer);
  const name = roomField.value.trim();
  if (!ROOM_NAME.test(name)) {
    status.show('A room name is 1 to 64 letters, digits, "_", "." or "-".', 'error');
    return;
  }
  const s = api.session();
  if (!s) {
    showSignIn('Please sign in again.');
    return;
  }

  // The address then names the room, so it can be shared or reloaded.
  history.replaceState(null, '', `#room=${encodeURIComponent(name)}`);
  show('room');
  status.clear();
  byId('room-title').textContent = name;
  room.enter(name, s.user);
});

signOut.addEventListener('click', async () => {
  room.leave();
  signOut.disabled = true;
  await api.logout();
  signOut.disabled = false;
  showSignIn();
});

window.addEventListener('hashchange', () => {
  if (!views.lobby.hidden && roomFromHash()) {
    roomField.value = roomFromHash();
  }
});

if (api.session()) {
  showLobby();
} else {
  showSignIn();
}
