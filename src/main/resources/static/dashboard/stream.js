// Server-Sent Events read with fetch(), so the request carries the Authorization header (EventSource
// cannot send one). It keeps what EventSource did for the page: one event per blank-line-terminated block
// of `id:` / `event:` / `data:` lines, the last id remembered and sent back as `Last-Event-ID` when the
// stream reconnects after it ends or breaks. A refusal (4xx) is final, as for EventSource; a 401 tells the
// page to ask for a token. Reconnects wait 1 s, doubling up to 15 s while they keep failing (or the
// server's `retry:`), and start again at the short delay once a stream opens.
import { authHeaders, ApiError } from './api.js';

const MAX_DELAY_MS = 15000;

/**
 * Follows `/api/v1` + path until close(). Handlers: onOpen(), onError() (the stream broke or ended; a
 * reconnect is scheduled unless it was refused), onEvent({id, type, data}), onRefused(ApiError).
 */
export function follow(path, { onOpen = () => {}, onError = () => {}, onEvent = () => {}, onRefused = () => {} }) {
  let lastEventId = '';
  let baseDelay = 1000;
  let delay = baseDelay;
  let ctrl = null;
  let timer = null;
  let closed = false;

  async function run() {
    timer = null;
    const c = new AbortController();
    ctrl = c;
    try {
      const headers = authHeaders({ Accept: 'text/event-stream' });
      if (lastEventId) headers['Last-Event-ID'] = lastEventId;
      const r = await fetch('/api/v1' + path, { headers, signal: c.signal, cache: 'no-store' });
      if (!r.ok) {
        let detail = r.statusText;
        try { detail = (await r.json()).detail || detail; } catch (e) { /* not JSON */ }
        throw new ApiError(r.status, detail);
      }
      delay = baseDelay;
      onOpen();
      await read(r.body, c.signal);
    } catch (e) {
      if (c.signal.aborted || closed) return;
      if (e instanceof ApiError && e.status >= 400 && e.status < 500 && e.status !== 429) {
        onError();
        onRefused(e);
        return;
      }
    }
    if (c.signal.aborted || closed) return;
    onError();
    timer = setTimeout(run, delay);
    delay = Math.min(delay * 2, MAX_DELAY_MS);
  }

  // The text/event-stream format: lines end in CRLF, LF or CR; a blank line dispatches the event.
  async function read(body, signal) {
    const reader = body.getReader();
    const decoder = new TextDecoder('utf-8');
    let buf = '';
    let id = lastEventId;
    let type = '';
    let data = [];
    const line = l => {
      if (l === '') {
        lastEventId = id;
        if (data.length) onEvent({ id, type: type || 'message', data: data.join('\n') });
        type = ''; data = [];
        return;
      }
      if (l.startsWith(':')) return; // a comment (the server's greeting and keep-alives)
      const colon = l.indexOf(':');
      const field = colon < 0 ? l : l.slice(0, colon);
      let value = colon < 0 ? '' : l.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'id') { if (!value.includes('\0')) id = value; }
      else if (field === 'event') type = value;
      else if (field === 'data') data.push(value);
      else if (field === 'retry' && /^\d+$/.test(value)) { baseDelay = Number(value); delay = baseDelay; }
    };
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done || signal.aborted) break;
        buf += decoder.decode(value, { stream: true });
        let m;
        while ((m = /\r\n|\r|\n/.exec(buf)) !== null) {
          if (m[0] === '\r' && m.index === buf.length - 1) break; // its \n may be in the next chunk
          line(buf.slice(0, m.index));
          buf = buf.slice(m.index + m[0].length);
        }
      }
    } finally {
      reader.cancel().catch(() => {});
    }
  }

  run();
  return {
    close() {
      closed = true;
      clearTimeout(timer);
      if (ctrl) ctrl.abort();
    },
  };
}
