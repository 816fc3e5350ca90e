// The page's wiring: which view shows, and what its forms do.

import * as api from './api.js';
import { DirectMessages } from './dm.js';
import { byTestId } from './dom.js';
import { Lobby } from './lobby.js';
import { People } from './people.js';
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
const peoplePanel = byId('people');

// The lobby: who is online, the active rooms and direct messages, live while signed in.
const people = new People(byId('lobby-users'), byId('lobby-rooms'), {
  openDirect: (userId) => dms.openWith(userId),
  joinRoom: (name) => {
    if (room.active) {
      room.leave();
    }
    roomField.value = name;
    lobbyForm.requestSubmit();
  },
});
const dms = new DirectMessages({
  panel: byId('dm-panel'),
  title: byId('dm-title'),
  log: byId('dm-log'),
  form: byId('dm-form'),
  input: byTestId('dm-input'),
}, {
  channel: () => lobby.channel,
  nameOf: (userId) => people.name(userId),
  unread: (userId, n) => people.setUnread(userId, n),
});
// Set when a lobby channel opens: the next "users" message starts a fresh snapshot.
let snapshotNext = true;
const lobby = new Lobby({
  users: (m) => {
    people.snapshot(m.users, snapshotNext);
    snapshotNext = false;
  },
  rooms: (m) => people.setRooms(m.rooms),
  user: (m) => people.update(m.user),
  room: (m) => people.updateRoom(m.room),
  dm: (m) => dms.receive(m),
  read: (m) => dms.markedRead(m),
  error: (m) => status.show(m.message || m.code || 'The server refused a message.', 'error'),
}, (channel) => {
  snapshotNext = true;
  dms.resend(channel);
}, (reason) => {
  room.leave();
  showSignIn(reason);
});

const room = new Room({
  tiles: byId('tiles'),
  localTile: byId('local-tile'),
  localVideo: byTestId('local-video'),
  mic: byTestId('toggle-mic'),
  camera: byTestId('toggle-camera'),
  hand: byTestId('raise-hand'),
  leave: byTestId('leave'),
  roster: byId('roster'),
  chatLog: byId('chat-log'),
  chatForm: byId('chat-form'),
  chatInput: byTestId('chat-input'),
  chatTo: byId('chat-to'),
  direct: dms,
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

// startLobby opens the lobby connection for the signed-in user; stopLobby closes it.
function startLobby() {
  const me = api.session()?.user?.id ?? null;
  people.reset(me);
  dms.reset(me);
  peoplePanel.hidden = false;
  lobby.start();
}

function stopLobby() {
  lobby.stop();
  people.reset(null);
  dms.reset(null);
  peoplePanel.hidden = true;
}

function showSignIn(message = '') {
  stopLobby();
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
    startLobby();
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
  startLobby();
  showLobby();
} else {
  showSignIn();
}
