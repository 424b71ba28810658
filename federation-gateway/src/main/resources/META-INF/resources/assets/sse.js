// Server-Sent Events read with fetch(), because EventSource cannot send an Authorization header and
// the gateway authenticates every stream by its bearer token. Each event's id (the bus's sequence
// number) is remembered; after a drop the stream reconnects with Last-Event-ID, so the gateway
// replays exactly what was missed.
import { url } from './api.js';

export class EventStream {
  /**
   * @param path     e.g. /api/genesis/subscribe/*
   * @param token    bearer token
   * @param handlers {onEvent(ev), onState(state, detail), onUnauthorized()}
   */
  constructor(path, token, handlers) {
    this.path = path;
    this.token = token;
    this.handlers = handlers;
    this.lastEventId = null;
    this.stopped = false;
    this.controller = null;
    this.backoffMs = 500;
  }

  start() {
    this.stopped = false;
    this.loop();
    return this;
  }

  stop() {
    this.stopped = true;
    if (this.controller) {
      this.controller.abort();
    }
  }

  /**
   * Drops the connection as a network failure would and stays away for holdMs; the stream then
   * resumes from its last id.
   */
  interrupt(holdMs = 0) {
    this.holdMs = holdMs;
    if (this.controller) {
      this.controller.abort();
    }
  }

  state(s, detail) {
    if (this.handlers.onState) {
      this.handlers.onState(s, detail);
    }
  }

  async loop() {
    while (!this.stopped) {
      this.controller = new AbortController();
      const headers = { Accept: 'text/event-stream', Authorization: 'Bearer ' + this.token };
      if (this.lastEventId !== null) {
        headers['Last-Event-ID'] = this.lastEventId;
      }
      try {
        this.state('connecting');
        const res = await fetch(url(this.path), { headers, signal: this.controller.signal, cache: 'no-store' });
        if (res.status === 401) {
          this.stopped = true;
          this.state('closed', 'the token was refused');
          if (this.handlers.onUnauthorized) {
            this.handlers.onUnauthorized();
          }
          return;
        }
        if (!res.ok || !res.body) {
          throw new Error('HTTP ' + res.status);
        }
        this.state('live', this.lastEventId === null ? 'live' : 'resumed after ' + this.lastEventId);
        this.backoffMs = 500;
        await this.read(res.body);
        if (!this.stopped) {
          this.state('reconnecting', 'stream ended');
        }
      } catch (e) {
        if (this.stopped) {
          return;
        }
        this.state('reconnecting', e.name === 'AbortError' ? 'interrupted' : e.message);
      }
      if (this.stopped) {
        return;
      }
      await new Promise((r) => setTimeout(r, Math.max(this.backoffMs, this.holdMs || 0)));
      this.holdMs = 0;
      this.backoffMs = Math.min(this.backoffMs * 2, 15000);
    }
  }

  async read(body) {
    const reader = body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    let ev = { id: null, event: 'message', data: [] };
    for (;;) {
      const { value, done } = await reader.read();
      if (done) {
        return;
      }
      buffer += value;
      let nl;
      while ((nl = buffer.search(/\r\n|\n|\r/)) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + (buffer[nl] === '\r' && buffer[nl + 1] === '\n' ? 2 : 1));
        if (line === '') {
          if (ev.data.length > 0) {
            this.dispatch(ev);
          }
          ev = { id: null, event: 'message', data: [] };
          continue;
        }
        if (line.startsWith(':')) {
          continue; // comment: keep-alive, "replay from cache", ...
        }
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        let val = colon < 0 ? '' : line.slice(colon + 1);
        if (val.startsWith(' ')) {
          val = val.slice(1);
        }
        if (field === 'id') {
          ev.id = val;
        } else if (field === 'event') {
          ev.event = val;
        } else if (field === 'data') {
          ev.data.push(val);
        }
      }
    }
  }

  dispatch(ev) {
    if (ev.id !== null && ev.id !== '') {
      this.lastEventId = ev.id;
    }
    let data;
    try {
      data = JSON.parse(ev.data.join('\n'));
    } catch (e) {
      return;
    }
    if (ev.event === 'hxo.subscription.closed' && data && data.last_seq !== undefined) {
      this.lastEventId = String(data.last_seq); // cut off as a slow subscriber: resume from there
    }
    try {
      this.handlers.onEvent({ id: ev.id, topic: ev.event, data });
    } catch (e) {
      console.error('event handler failed', e);
    }
  }
}
