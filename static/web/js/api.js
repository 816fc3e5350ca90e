// HTTP calls to the account API, and the session they produce.
//
// The session lives in sessionStorage rather than localStorage so that each tab, and each
// private window, signs in as its own user: two people can share one browser for a test call.

const KEY = 'confab.session';

// Refresh a little before the access token expires: the WebSocket upgrade cannot show us the
// 401 that an expired token would get, so waiting for the failure is not an option there.
const REFRESH_MARGIN_MS = 10_000;

/** ApiError is a refused or failed request; its message is fit to show to the user. */
export class ApiError extends Error {
  constructor(message, status = 0, expired = false) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.expired = expired;
  }
}

/** SessionEnded means the user must sign in again: the tokens are gone or refused. */
export class SessionEnded extends Error {
  constructor(message = 'Your session has ended. Please sign in again.') {
    super(message);
    this.name = 'SessionEnded';
  }
}

/** session returns the stored {user, accessToken, refreshToken, expiresAt}, or null. */
export function session() {
  try {
    const s = JSON.parse(sessionStorage.getItem(KEY));
    return s && s.accessToken && s.refreshToken && s.user ? s : null;
  } catch {
    return null;
  }
}

function store(body) {
  if (!body?.accessToken || !body?.refreshToken || !body?.user) {
    throw new ApiError('The server sent an answer this page does not understand.');
  }
  const s = {
    user: body.user,
    accessToken: body.accessToken,
    refreshToken: body.refreshToken,
    // expiresIn is in seconds, as in OAuth token responses.
    expiresAt: Number.isFinite(body.expiresIn) ? Date.now() + body.expiresIn * 1000 : null,
  };
  sessionStorage.setItem(KEY, JSON.stringify(s));
  return s;
}

function forget() {
  sessionStorage.removeItem(KEY);
}

async function post(path, body, accessToken) {
  return request('POST', path, body, accessToken);
}

async function request(method, path, body, accessToken) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
  }
  if (accessToken) {
    headers.Authorization = `Bearer ${accessToken}`;
  }

  let res;
  try {
    res = await fetch(path, {
      method, headers, cache: 'no-store',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError('The server cannot be reached.');
  }

  const data = await res.json().catch(() => null);
  if (!res.ok) {
    const text = typeof data?.error === 'string' && data.error
      ? data.error
      : `The server answered with status ${res.status}.`;
    throw new ApiError(text, res.status, res.headers.get('Token-Expired') === 'true');
  }
  return data;
}

/** login signs in and stores the session; it returns the user. */
export async function login(username, password) {
  return store(await post('/api/auth/login', { username, password })).user;
}

/** register creates the account, signs in and stores the session; it returns the user. */
export async function register(username, password, displayName) {
  return store(await post('/api/auth/register', { username, password, displayName })).user;
}

let refreshing = null;

/**
 * refresh trades the refresh token for new tokens and returns the new access token. Calls
 * made while one is under way share it, since a refresh token may be good for one use only.
 */
export function refresh() {
  refreshing ??= refreshOnce().finally(() => { refreshing = null; });
  return refreshing;
}

async function refreshOnce() {
  const s = session();
  if (!s) {
    throw new SessionEnded();
  }
  try {
    return store(await post('/api/auth/refresh', { refreshToken: s.refreshToken })).accessToken;
  } catch (err) {
    // A 4xx is the server refusing the token; anything else (no network, a 5xx) may pass,
    // so it must not throw the user out.
    if (err.status >= 400 && err.status < 500) {
      forget();
      throw new SessionEnded();
    }
    throw err;
  }
}

/** accessToken returns a token good for at least a few more seconds, refreshing if needed. */
export async function accessToken() {
  const s = session();
  if (!s) {
    throw new SessionEnded();
  }
  if (s.expiresAt !== null && s.expiresAt - Date.now() < REFRESH_MARGIN_MS) {
    return refresh();
  }
  return s.accessToken;
}

/**
 * authorizedPost posts with the access token. An expired token is refreshed once and the
 * request retried without the user seeing it; any other 401 ends the session. The body is a
 * function of the session because a refresh changes what it may need to carry.
 */
async function authorizedPost(path, bodyOf) {
  return authorized('POST', path, bodyOf);
}

/** authorizedGet fetches path with the access token, as authorizedPost posts; it returns JSON. */
export async function authorizedGet(path) {
  return authorized('GET', path, () => undefined);
}

async function authorized(method, path, bodyOf) {
  const s = session();
  if (!s) {
    throw new SessionEnded();
  }
  try {
    return await request(method, path, bodyOf(s), s.accessToken);
  } catch (err) {
    if (err.status !== 401) {
      throw err;
    }
    if (!err.expired) {
      forget();
      throw new SessionEnded();
    }
  }

  const token = await refresh();
  try {
    return await request(method, path, bodyOf(session()), token);
  } catch (err) {
    if (err.status === 401) {
      forget();
      throw new SessionEnded();
    }
    throw err;
  }
}

/** logout revokes the refresh token and forgets the session, even if the server is away. */
export async function logout() {
  try {
    await authorizedPost('/api/auth/logout', (s) => ({ refreshToken: s.refreshToken }));
  } catch (err) {
    // Signing out here matters more than telling the server; its token will expire anyway.
    console.warn('logout:', err.message);
  } finally {
    forget();
  }
}
