// The dashboard's router: every view has its own path, so links can be shared and reloads keep the view.
import { renderList } from './list.js';
import { renderStudy } from './study.js';

const app = document.getElementById('app');
let cleanup = () => {};

export function navigate(path) {
  history.pushState(null, '', path);
  route();
}

async function route() {
  cleanup();
  cleanup = () => {};
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
    app.innerHTML = `<div class="card"><h2>Could not load this view</h2><p class="muted" id="error">${String(e.message)}</p></div>`;
  }
}

document.addEventListener('click', e => {
  const a = e.target.closest('a[data-link]');
  if (a && !e.metaKey && !e.ctrlKey && a.origin === location.origin) {
    e.preventDefault();
    navigate(a.pathname + a.search);
  }
});
window.addEventListener('popstate', route);
route();
