// The dashboard's router: every view has its own path, so links can be shared and reloads keep the view.
// With authentication on, a view whose API call answers 401 gives way to a sign-in form for an API token.
import { renderList } from './list.js';
import { renderStudy } from './study.js';
import { esc, token, setToken, clearToken } from './api.js';

const app = document.getElementById('app');
const signout = document.getElementById('signout');
let cleanup = () => {};

export function navigate(path) {
  history.pushState(null, '', path);
  route();
}

async function route() {
  cleanup();
  cleanup = () => {};
  signout.hidden = !token();
  const parts = location.pathname.split('/').filter(Boolean);
  try {
    if (parts.length === 0 || (parts[0] === 'studies' && parts.length === 1)) {
      cleanup = await renderList(app);
    } else if (parts[0] === 'studies') {
      cleanup = await renderStudy(app, decodeURIComponent(parts[1]), parts.slice(2));
    } else {
      app.innerHTML = '<p>Not found.</p>';
    }
  } catch (e) {
    if (e.status === 401) {
      // A token the page held was refused (wrong, expired or revoked): forget it and say so.
      const refused = token() !== '';
      clearToken();
      signIn(refused ? `The server refused this token: ${e.message}` : '');
    } else if (e.status === 403) {
      failed('Not allowed', `Your token's role does not allow this view. Sign out and sign in with another token. (${e.message})`);
    } else if (e.status === 404) {
      failed('Not found', `No such study, or it belongs to another project than your token's. (${e.message})`);
    } else {
      failed('Could not load this view', e.message);
    }
  }
}

function failed(title, message) {
  app.innerHTML = `<div class="card"><h2>${esc(title)}</h2><p class="muted" id="error">${esc(String(message))}</p></div>`;
}

function signIn(error) {
  signout.hidden = true;
  document.getElementById('live').classList.remove('on');
  document.getElementById('crumbs').textContent = 'Sign in';
  document.title = 'Attune · sign in';
  app.innerHTML = `
    <div class="card signin"><h2>Sign in</h2>
      <p class="muted">This server needs an API token: a project's token (any role) or the admin token. The page
        keeps it in this tab only, until you sign out or close the tab.</p>
      <form id="signin" class="controls">
        <label>API token <input id="token" type="password" autocomplete="off" size="40" required></label>
        <button type="submit">Sign in</button>
      </form>
      <p class="error" id="signin-error">${esc(error)}</p></div>`;
  const input = app.querySelector('#token');
  input.focus();
  app.querySelector('#signin').addEventListener('submit', e => {
    e.preventDefault();
    const t = input.value.trim();
    if (!t) return;
    setToken(t);
    route();
  });
}

signout.addEventListener('click', e => {
  e.preventDefault();
  clearToken();
  route();
});
// A poll or the live stream was refused: show the view again, which asks for a token if it must. At most
// once in 3 s, so a server that refuses only the stream cannot make the page redraw in a loop.
let lastUnauthorized = 0;
window.addEventListener('attune:unauthorized', () => {
  if (Date.now() - lastUnauthorized < 3000) return;
  lastUnauthorized = Date.now();
  route();
});

document.addEventListener('click', e => {
  const a = e.target.closest('a[data-link]');
  if (a && !e.metaKey && !e.ctrlKey && a.origin === location.origin) {
    e.preventDefault();
    navigate(a.pathname + a.search);
  }
});
window.addEventListener('popstate', route);
route();
