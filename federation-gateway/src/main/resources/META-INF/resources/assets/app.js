// HXO ops console: plans with live progress, a plan's stages, root, certificate and proofs, links,
// alerts and ARIE findings. Everything comes from the gateway's API; live changes arrive on one SSE
// stream (every stored event), and an event about a plan refetches that plan's status once.
import { ApiError, apiBase, get, post, session } from './api.js';
import { EventStream } from './sse.js';
import { verifyProof } from './merkle.js';
import { renderDag } from './dag.js';

const STATES = ['done', 'cached', 'running', 'failed', 'split', 'pending'];
const ACTIVE = new Set(['accepted', 'running']);
const REPLAYABLE = new Set(['halted', 'aborted', 'timed_out']);
const SEVERITIES = ['critical', 'high', 'medium', 'low'];
const MAX_ALERTS = 200;

const state = {
  role: null,
  principal: null,
  stream: null,
  plans: new Map(), // plan_id -> merged summary/status document
  rows: new Map(), // plan_id -> <tr>
  refreshTimers: new Map(),
  leaves: new Map(), // plan_id -> [{cas_id, index}] seen on hxo.shard.done
  alerts: [],
  alertSeqs: new Set(),
  arie: null,
  arieError: null,
  arieFilter: new Set(SEVERITIES),
  linksAt: 0,
  view: null,
};

// ---------------------------------------------------------------- DOM helpers

function h(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) {
      continue;
    }
    if (k.startsWith('on')) {
      e.addEventListener(k.slice(2), v);
    } else if (k === 'class') {
      e.className = v;
    } else {
      e.setAttribute(k, v === true ? '' : String(v));
    }
  }
  for (const c of children.flat()) {
    if (c !== null && c !== undefined && c !== false) {
      e.append(c instanceof Node ? c : String(c));
    }
  }
  return e;
}

const $ = (sel) => document.querySelector(sel);

function short(hex, n = 12) {
  return hex ? hex.slice(0, n) + '…' : '—';
}

function when(iso) {
  if (!iso) {
    return '—';
  }
  const d = new Date(iso);
  return isNaN(d) ? iso : d.toLocaleTimeString();
}

function duration(seconds) {
  if (seconds === null || seconds === undefined || seconds < 0) {
    return '—';
  }
  if (seconds < 60) {
    return Math.round(seconds) + ' s';
  }
  if (seconds < 3600) {
    return Math.floor(seconds / 60) + ' min ' + Math.round(seconds % 60) + ' s';
  }
  return Math.floor(seconds / 3600) + ' h ' + Math.round((seconds % 3600) / 60) + ' min';
}

function announce(text) {
  const live = $('#announcer');
  if (live) {
    live.textContent = text;
  }
}

function isAdmiral() {
  return state.role === 'admiral';
}

// ---------------------------------------------------------------- confirmation dialog

function confirmAction(title, text, verb) {
  return new Promise((resolve) => {
    const dialog = $('#confirm');
    $('#confirm-title').textContent = title;
    $('#confirm-text').textContent = text;
    const ok = $('#confirm-ok');
    ok.textContent = verb;
    const done = (answer) => {
      dialog.removeEventListener('close', onClose);
      ok.removeEventListener('click', onOk);
      resolve(answer);
    };
    const onOk = (e) => {
      e.preventDefault();
      dialog.close('ok');
    };
    const onClose = () => done(dialog.returnValue === 'ok');
    dialog.returnValue = '';
    ok.addEventListener('click', onOk);
    dialog.addEventListener('close', onClose);
    dialog.showModal();
    $('#confirm-cancel').focus();
  });
}

async function admiralAction(title, text, verb, method, path, body) {
  if (!(await confirmAction(title, text, verb))) {
    announce(title + ': cancelled');
    return;
  }
  try {
    const answer = await post(path, body);
    toast(title + ': done' + (answer && answer.plan_id ? ' (plan ' + answer.plan_id + ')' : ''), 'ok');
  } catch (e) {
    toast(title + ' failed: ' + e.message, 'bad');
  }
}

function toast(text, kind) {
  const t = $('#toast');
  t.textContent = text;
  t.className = 'toast ' + (kind || '');
  announce(text);
}

// ---------------------------------------------------------------- sign-in

function renderSignIn(message) {
  stopStream();
  state.view = 'signin';
  $('#who').replaceChildren();
  const input = h('input', { id: 'token', name: 'token', type: 'password', autocomplete: 'off', required: true, 'aria-describedby': 'signin-help signin-error' });
  const error = h('p', { id: 'signin-error', class: 'error', role: 'alert' }, message || '');
  const form = h('form', { id: 'signin', class: 'card signin', onsubmit: async (e) => {
    e.preventDefault();
    error.textContent = '';
    const token = input.value.trim();
    if (!token) {
      error.textContent = 'Enter a bearer token.';
      return;
    }
    const button = form.querySelector('button');
    button.disabled = true;
    try {
      await signIn(token);
    } catch (err) {
      error.textContent = signInMessage(err);
      input.focus();
      input.select();
    } finally {
      button.disabled = false;
    }
  } },
  h('h1', { tabindex: '-1' }, 'Sign in'),
  h('label', { for: 'token' }, 'Bearer token'),
  input,
  h('p', { id: 'signin-help', class: 'muted' }, 'The ADMIRAL_TOKEN or CAPTAIN_TOKEN of this gateway (./hxo up prints them). '
      + 'It is kept in this tab\'s session storage only and sent as Authorization: Bearer.'),
  h('button', { type: 'submit' }, 'Sign in'),
  error);
  $('#main').replaceChildren(form);
  input.focus();
}

function signInMessage(err) {
  if (err instanceof ApiError && err.status === 401) {
    return 'The gateway did not accept this token (401): ' + err.message + '. Check for a typo or a rotated token.';
  }
  if (err instanceof ApiError && err.status === 403) {
    return 'This token may not read the console (403): ' + err.message;
  }
  return 'Sign-in failed: ' + err.message;
}

async function signIn(token) {
  let me;
  try {
    me = await get('/api/auth/whoami', token);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) {
      // A gateway without whoami: the token is good if it can read; actions stay hidden.
      await get('/api/hxo/plans?limit=1', token);
      me = { role: 'captain', principal: 'unknown' };
    } else {
      throw e;
    }
  }
  session.token = token;
  state.role = me.role;
  state.principal = me.principal;
  startConsole();
}

function signOut(message) {
  session.token = null;
  state.role = null;
  state.plans.clear();
  state.rows.clear();
  state.alerts = [];
  state.alertSeqs.clear();
  location.hash = '';
  renderSignIn(message);
}

function renderWho() {
  $('#who').replaceChildren(
    h('span', { id: 'stream-state', class: 'pill', title: 'live event stream' }, 'connecting'),
    h('span', { id: 'role', class: 'pill role-' + state.role, 'data-role': state.role }, state.role),
    h('button', { type: 'button', class: 'link', onclick: () => signOut('Signed out.') }, 'Sign out'));
}

// ---------------------------------------------------------------- live stream

function stopStream() {
  if (state.stream) {
    state.stream.stop();
    state.stream = null;
  }
}

function startStream() {
  stopStream();
  state.stream = new EventStream('/api/genesis/subscribe/*', session.token, {
    onEvent,
    onState: (s, detail) => {
      const pill = $('#stream-state');
      if (pill) {
        pill.textContent = s === 'live' ? 'live' : s;
        pill.className = 'pill stream-' + s;
        pill.title = detail || s;
        pill.dataset.state = s;
      }
    },
    onUnauthorized: () => signOut('The gateway no longer accepts this token; sign in again.'),
  }).start();
  window.hxoConsole = { stream: state.stream }; // lets a test drop the connection to check the resume
}

function onEvent(ev) {
  const topic = ev.topic;
  const stored = ev.data || {};
  const data = stored.data || {};
  const planId = stored.subject || data.plan_id;
  if (topic === 'hxo.alert' || topic === 'arie.alert') {
    addAlert(stored);
    if (typeof data.type === 'string' && data.type.startsWith('federation.')) {
      loadLinks();
    }
  }
  if (topic === 'hxo.shard.done' && planId && Array.isArray(data.leaves)) {
    const seen = state.leaves.get(planId) || [];
    for (const leaf of data.leaves) {
      if (seen.length < 20 && leaf.cas_id) {
        seen.push({ cas_id: leaf.cas_id, index: leaf.index });
      }
    }
    state.leaves.set(planId, seen);
    if (state.view === 'plan:' + planId) {
      fillCasSuggestion(planId);
    }
  }
  if (topic.startsWith('hxo.') && topic !== 'hxo.alert' && topic !== 'hxo.audit' && planId && /^[0-9a-f-]{36}$/.test(planId)) {
    scheduleRefresh(planId);
  }
  if (topic === 'arie.audit') {
    loadArie();
  }
  if (topic === 'deploy.platform.success') {
    loadRollbackPoints();
  }
  if (Date.now() - state.linksAt > 10000) {
    loadLinks();
  }
}

function scheduleRefresh(planId) {
  if (state.refreshTimers.has(planId)) {
    return;
  }
  state.refreshTimers.set(planId, setTimeout(async () => {
    state.refreshTimers.delete(planId);
    await refreshPlan(planId);
  }, 300));
}

async function refreshPlan(planId) {
  try {
    const status = await get('/api/hxo/status/' + planId);
    mergePlan(status);
    if (state.view === 'plan:' + planId) {
      updatePlanView(state.plans.get(planId));
    }
  } catch (e) {
    if (e.status === 401) {
      signOut('The gateway no longer accepts this token; sign in again.');
    }
  }
}

// ---------------------------------------------------------------- plans

function mergePlan(doc) {
  const id = doc.plan_id;
  const prev = state.plans.get(id) || {};
  const merged = { ...prev, ...doc };
  if (!doc.shards && (doc.done !== undefined)) {
    // a list summary: only done and failed are known
    merged.shards = prev.shards || { done: doc.done, failed: doc.failed, pending: Math.max(0, (doc.total_shards || 0) - doc.done - doc.failed) };
  }
  state.plans.set(id, merged);
  updatePlanRow(merged);
  return merged;
}

function progressBar(plan, big) {
  const total = Math.max(0, plan.total_shards || 0);
  const sh = plan.shards || {};
  const done = sh.done || 0;
  const cached = Math.min(sh.cached || 0, done);
  const parts = { done: done - cached, cached, running: sh.running || 0, failed: sh.failed || 0, pending: sh.pending || 0 };
  const pct = total > 0 ? Math.floor((100 * done) / total) : (plan.status === 'certified' || plan.status === 'completed' ? 100 : 0);
  const bar = h('div', { class: 'bar' + (big ? ' big' : ''), role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': pct,
    'aria-label': `${plan.name || 'plan'}: ${pct}% done`, 'data-pct': pct });
  for (const s of ['done', 'cached', 'running', 'failed', 'pending']) {
    const n = parts[s];
    if (n > 0 && total > 0) {
      bar.append(h('span', { class: 'seg seg-' + s, style: `width:${(100 * n) / total}%`, title: `${s}: ${n}` }));
    }
  }
  const legend = h('div', { class: 'legend' },
    h('span', { class: 'pct' }, pct + '%'),
    STATES.map((s) => h('span', { class: 'count c-' + s, 'data-state': s }, `${s} ${s === 'done' ? done : (sh[s] || 0)}`)));
  return h('div', { class: 'progress' }, bar, legend);
}

function eta(plan) {
  if (ACTIVE.has(plan.status)) {
    return plan.eta_seconds !== null && plan.eta_seconds !== undefined ? 'ETA ' + duration(plan.eta_seconds) : 'ETA —';
  }
  if (plan.started_at && plan.finished_at) {
    return 'took ' + duration((new Date(plan.finished_at) - new Date(plan.started_at)) / 1000);
  }
  return '';
}

function statusBadge(status) {
  return h('span', { class: 'status status-' + status, 'data-status': status }, (status || '').replace('_', ' '));
}

function updatePlanRow(plan) {
  const body = $('#plans-body');
  if (!body) {
    return;
  }
  let row = state.rows.get(plan.plan_id);
  // The first cell (the link) is made once, so an update never takes the keyboard focus away from it.
  const cells = [
    h('td', {}, statusBadge(plan.status)),
    h('td', { class: 'wide' }, progressBar(plan)),
    h('td', { class: 'num' }, String(plan.total_shards ?? '—')),
    h('td', {}, eta(plan)),
    h('td', { class: 'mono' }, plan.certificate ? h('span', { class: 'cert-ok', title: plan.merkle_root }, '✔ ' + short(plan.merkle_root, 8)) : short(plan.merkle_root, 8)),
  ];
  if (!row) {
    row = h('tr', { 'data-plan': plan.plan_id }, h('td', {}, h('a', { href: '#/plans/' + plan.plan_id, class: 'plan-link' }, plan.name || plan.plan_id),
      h('div', { class: 'muted mono' }, short(plan.plan_id, 8))));
    state.rows.set(plan.plan_id, row);
    const created = plan.created_at ? new Date(plan.created_at).getTime() : Date.now();
    row.dataset.created = created;
    // newest first
    const after = Array.from(body.children).find((r) => Number(r.dataset.created) < created);
    body.insertBefore(row, after || null);
    $('#plans-empty')?.remove();
  }
  row.dataset.status = plan.status;
  row.replaceChildren(row.firstChild, ...cells);
}

async function loadPlans() {
  const body = $('#plans-body');
  try {
    const list = await get('/api/hxo/plans?limit=50');
    const plans = (list && list.plans) || [];
    if (plans.length === 0) {
      body.replaceChildren(h('tr', { id: 'plans-empty' }, h('td', { colspan: 6, class: 'muted' }, 'No plans yet. Submit one with POST /api/hxo/create-and-submit or hxoctl submit.')));
    }
    plans.forEach(mergePlan);
    // Counts per state for the newest and the active ones.
    plans.filter((p, i) => i < 10 || ACTIVE.has(p.status)).forEach((p) => refreshPlan(p.plan_id));
  } catch (e) {
    body.replaceChildren(h('tr', {}, h('td', { colspan: 6, class: 'error' }, 'Plans could not be loaded: ' + e.message)));
  }
}

// ---------------------------------------------------------------- alerts

function addAlert(stored, quiet) {
  if (stored.seq !== undefined) {
    if (state.alertSeqs.has(stored.seq)) {
      return;
    }
    state.alertSeqs.add(stored.seq);
  }
  state.alerts.unshift(stored);
  state.alerts.sort((a, b) => (b.seq || 0) - (a.seq || 0));
  if (state.alerts.length > MAX_ALERTS) {
    state.alerts.length = MAX_ALERTS;
  }
  renderAlerts();
  if (!quiet) {
    const d = stored.data || {};
    announce(`Alert ${d.type}: ${d.message || ''}`);
  }
}

function renderAlerts() {
  const list = $('#alerts-list');
  if (!list) {
    return;
  }
  if (state.alerts.length === 0) {
    list.replaceChildren(h('li', { class: 'muted' }, 'No alerts in the last 24 hours.'));
    return;
  }
  list.replaceChildren(...state.alerts.map((a) => {
    const d = a.data || {};
    return h('li', { class: 'alert sev-' + (d.severity || 'info'), 'data-type': d.type, 'data-seq': a.seq },
      h('div', { class: 'alert-head' },
        h('span', { class: 'sev' }, d.severity || 'info'),
        h('strong', {}, d.type || a.type || a.topic),
        h('time', { datetime: a.time }, when(a.time))),
      h('div', {}, d.message || ''),
      d.plan_id ? h('a', { href: '#/plans/' + d.plan_id, class: 'muted mono' }, 'plan ' + short(d.plan_id, 8)) : null,
      d.service ? h('span', { class: 'muted' }, ' ' + d.service) : null);
  }));
}

async function loadAlerts() {
  const from = new Date(Date.now() - 24 * 3600 * 1000).toISOString();
  for (const topic of ['hxo.alert', 'arie.alert']) {
    try {
      const page = await get(`/api/genesis/events?topic=${topic}&from=${encodeURIComponent(from)}&limit=200`);
      ((page && page.events) || []).forEach((e) => addAlert(e, true));
    } catch (e) {
      const list = $('#alerts-list');
      if (list && state.alerts.length === 0) {
        list.replaceChildren(h('li', { class: 'error' }, 'Alert history unavailable: ' + e.message + ' (live alerts still arrive).'));
      }
      return;
    }
  }
  renderAlerts();
}

// ---------------------------------------------------------------- links

function rtt(link) {
  // /api/hxo/links/health: rtt_ms {p50, p99, max, samples}, null values before the first ping.
  const p50 = link.rtt_ms?.p50;
  const p99 = link.rtt_ms?.p99;
  if (p50 === undefined || p50 === null) {
    return 'RTT —';
  }
  return `RTT p50 ${Number(p50).toFixed(1)} ms · p99 ${p99 === undefined || p99 === null ? '—' : Number(p99).toFixed(1) + ' ms'}`;
}

async function loadLinks() {
  state.linksAt = Date.now();
  const grid = $('#links-grid');
  if (!grid) {
    return;
  }
  try {
    const answer = await get('/api/hxo/links/health');
    const links = (answer && answer.links) || [];
    grid.replaceChildren(...links.map((l) => h('li', { class: 'link-card state-' + l.state, 'data-service': l.service, 'data-state': l.state },
      h('div', { class: 'link-head' }, h('strong', {}, l.service), h('span', { class: 'status status-' + l.state }, l.state)),
      h('div', { class: 'rtt' }, rtt(l)),
      h('div', { class: 'muted' }, `${(l.instances || []).length} instance(s) · last seen ${l.age_ms === null || l.age_ms === undefined ? '—' : (l.age_ms / 1000).toFixed(1) + ' s ago'}`),
      h('div', { class: 'muted' }, (l.instances || []).map((i) => `v${i.version || '?'} schema ${i.schema_version || '?'}`).filter((v, i, a) => a.indexOf(v) === i).join(', ')))));
    $('#links-checked').textContent = 'checked ' + when(answer.checked_at);
  } catch (e) {
    grid.replaceChildren(h('li', { class: 'error' }, 'Link health unavailable: ' + e.message));
  }
}

// ---------------------------------------------------------------- ARIE

async function loadArie() {
  try {
    state.arie = await get('/api/arie/report');
    state.arieError = null;
  } catch (e) {
    state.arie = null;
    if (e.status === 404) {
      state.arieError = 'No ARIE report yet (404): ' + e.message;
    } else if (e.status === 503 || e.status === 504) {
      state.arieError = `ARIE is not answering (${e.status}): ${e.message}`;
    } else {
      state.arieError = 'ARIE report unavailable: ' + e.message;
    }
  }
  renderArie();
}

function renderArie() {
  const box = $('#arie-body');
  if (!box) {
    return;
  }
  if (!state.arie) {
    box.replaceChildren(h('p', { class: 'muted', id: 'arie-unavailable' }, state.arieError || 'Loading…'));
    return;
  }
  const findings = state.arie.findings || [];
  const shown = findings.filter((f) => state.arieFilter.has(String(f.severity).toLowerCase()));
  const filters = h('div', { class: 'filters', role: 'group', 'aria-label': 'Severity filter' },
    SEVERITIES.map((s) => h('button', { type: 'button', class: 'filter sev-' + s, 'aria-pressed': String(state.arieFilter.has(s)), 'data-severity': s,
      onclick: () => {
        if (state.arieFilter.has(s)) {
          state.arieFilter.delete(s);
        } else {
          state.arieFilter.add(s);
        }
        renderArie();
        box.querySelector(`[data-severity="${s}"]`)?.focus();
      } }, `${s} (${findings.filter((f) => String(f.severity).toLowerCase() === s).length})`)));
  const where = (f) => {
    const l = f.location || {};
    return l.file ? `${l.file}${l.line ? ':' + l.line : ''}` : l.service ? `${l.service} ${l.fact || ''}` : '';
  };
  const table = shown.length === 0 ? h('p', { class: 'muted' }, findings.length ? 'No finding at the selected severities.' : 'No findings.')
    : h('div', { class: 'scroll' }, h('table', { class: 'findings' },
      h('thead', {}, h('tr', {}, h('th', {}, 'severity'), h('th', {}, 'rule'), h('th', {}, 'finding'), h('th', {}, 'where'), h('th', {}, ''))),
      h('tbody', {}, shown.map((f) => h('tr', { class: 'sev-' + f.severity, 'data-severity': f.severity },
        h('td', {}, h('span', { class: 'sev' }, f.severity)), h('td', { class: 'mono' }, f.rule_id), h('td', {}, f.message),
        h('td', { class: 'mono' }, where(f)), h('td', {}, f.baseline === 'new' || f.baseline === 'NEW' ? h('span', { class: 'pill' }, 'new') : ''))))));
  box.replaceChildren(
    h('p', { class: 'muted' }, `Scan ${short(state.arie.scan_id, 8)} of ${state.arie.target || 'the suite'}, finished ${when(state.arie.finished_at)}`),
    filters, table);
}

// ---------------------------------------------------------------- rollback points

async function loadRollbackPoints() {
  const box = $('#rollback-body');
  if (!box) {
    return;
  }
  try {
    const answer = await get('/api/hxo/deployments/rollback-points');
    const points = Array.isArray(answer) ? answer : (answer.rollback_points || answer.deployments || answer.points || []);
    if (points.length === 0) {
      box.replaceChildren(h('p', { class: 'muted' }, 'No certified deployment yet.'));
      return;
    }
    box.replaceChildren(h('ul', { class: 'plain' }, points.slice(0, 10).map((p) => h('li', {},
      h('span', {}, (p.name || 'deployment') + ' '), h('span', { class: 'muted mono' }, short(p.merkle_root || p.root, 8) + ' '),
      h('span', { class: 'muted' }, when(p.finished_at || p.finished) + ' '),
      isAdmiral() ? h('button', { type: 'button', class: 'admiral-action danger', 'data-action': 'rollback',
        onclick: () => admiralAction('Roll back', `Submit a plan that re-applies deployment "${p.name}" (${p.deployment_id})?`, 'Roll back', 'POST',
          '/api/hxo/rollback', { deployment_id: p.deployment_id }) }, 'Roll back') : null))));
  } catch (e) {
    box.replaceChildren(h('p', { class: 'muted' }, 'Rollback points unavailable: ' + e.message));
  }
}

// ---------------------------------------------------------------- dashboard

function renderDashboard() {
  state.view = 'dashboard';
  state.rows.clear();
  const main = $('#main');
  main.replaceChildren(
    h('h1', { class: 'sr-only', tabindex: '-1' }, 'Dashboard'),
    h('div', { class: 'grid' },
      h('section', { class: 'card plans', 'aria-labelledby': 'plans-h' },
        h('h2', { id: 'plans-h' }, 'Plans'),
        h('div', { class: 'scroll' }, h('table', { id: 'plans' },
          h('thead', {}, h('tr', {}, ['plan', 'status', 'progress', 'shards', 'time', 'root'].map((c) => h('th', { scope: 'col' }, c)))),
          h('tbody', { id: 'plans-body' })))),
      h('section', { class: 'card alerts', 'aria-labelledby': 'alerts-h' },
        h('h2', { id: 'alerts-h' }, 'Alerts ', h('span', { class: 'muted small' }, 'live')),
        h('ol', { id: 'alerts-list', class: 'plain', 'aria-live': 'polite', 'aria-relevant': 'additions' })),
      h('section', { class: 'card links', 'aria-labelledby': 'links-h' },
        h('h2', { id: 'links-h' }, 'Links ', h('span', { id: 'links-checked', class: 'muted small' }),
          h('button', { type: 'button', class: 'link small', onclick: loadLinks }, 'refresh')),
        h('ul', { id: 'links-grid', class: 'plain links-grid' })),
      h('section', { class: 'card arie', 'aria-labelledby': 'arie-h' },
        h('h2', { id: 'arie-h' }, 'ARIE findings'),
        h('div', { id: 'arie-body' })),
      h('section', { class: 'card rollback', 'aria-labelledby': 'rollback-h' },
        h('h2', { id: 'rollback-h' }, 'Rollback points'),
        h('div', { id: 'rollback-body' }))));
  for (const p of state.plans.values()) {
    updatePlanRow(p);
  }
  renderAlerts();
  renderArie();
  loadPlans();
  loadLinks();
  loadArie();
  loadRollbackPoints();
}

// ---------------------------------------------------------------- plan page

async function renderPlan(planId) {
  state.view = 'plan:' + planId;
  const main = $('#main');
  main.replaceChildren(h('p', { class: 'muted' }, 'Loading plan ' + planId + '…'));
  let status;
  let report = null;
  try {
    status = await get('/api/hxo/status/' + planId);
  } catch (e) {
    main.replaceChildren(h('p', { class: 'error' }, 'Plan ' + planId + ': ' + e.message), h('a', { href: '#/' }, '← all plans'));
    return;
  }
  try {
    report = await get('/api/hxo/report/' + planId);
  } catch (e) {
    report = null;
  }
  if (state.view !== 'plan:' + planId) {
    return;
  }
  const spec = (report && report.plan) || {};
  state.specs = state.specs || new Map();
  state.specs.set(planId, spec);
  const plan = mergePlan(status);
  main.replaceChildren(
    h('p', {}, h('a', { href: '#/' }, '← all plans')),
    h('div', { class: 'plan-head' },
      h('h1', { id: 'plan-title', tabindex: '-1' }, plan.name || planId),
      h('span', { id: 'plan-status' }),
      isAdmiral() ? h('span', { class: 'actions' },
        h('button', { type: 'button', class: 'admiral-action danger', id: 'abort', 'data-action': 'abort',
          onclick: () => admiralAction('Abort plan', `Abort plan "${plan.name}"? Dispatch stops, running shards are cancelled and no later stage runs.`, 'Abort', 'POST', '/api/hxo/abort/' + planId) }, 'Abort'),
        h('button', { type: 'button', class: 'admiral-action', id: 'replay', 'data-action': 'replay',
          onclick: () => admiralAction('Replay plan', `Replay the failed shards of "${plan.name}" and everything downstream of them?`, 'Replay', 'POST', '/api/hxo/replay/' + planId) }, 'Replay'))
        : null),
    h('p', { class: 'muted mono' }, planId),
    h('div', { class: 'grid' },
      h('section', { class: 'card wide-card', 'aria-labelledby': 'progress-h' },
        h('h2', { id: 'progress-h' }, 'Progress ', h('span', { id: 'plan-eta', class: 'muted small' })),
        h('div', { id: 'plan-progress' }),
        h('p', { id: 'plan-error', class: 'error' })),
      h('section', { class: 'card wide-card', 'aria-labelledby': 'stages-h' },
        h('h2', { id: 'stages-h' }, 'Stages'),
        h('div', { id: 'plan-dag', class: 'scroll' }),
        h('div', { class: 'scroll' }, h('table', {}, h('thead', {}, h('tr', {}, ['stage', 'kind', 'status', ...STATES, 'p95', 'root'].map((c) => h('th', { scope: 'col' }, c)))),
          h('tbody', { id: 'stage-rows' })))),
      h('section', { class: 'card', 'aria-labelledby': 'root-h' },
        h('h2', { id: 'root-h' }, 'Merkle root and certificate'),
        h('dl', { class: 'kv' },
          h('dt', {}, 'root'), h('dd', { id: 'merkle-root', class: 'mono break' }),
          h('dt', {}, 'hash'), h('dd', { id: 'hash-alg' }),
          h('dt', {}, 'certificate'), h('dd', { id: 'certificate' }))),
      h('section', { class: 'card', 'aria-labelledby': 'votes-h' },
        h('h2', { id: 'votes-h' }, 'Votes'),
        h('div', { id: 'votes', class: 'scroll' })),
      h('section', { class: 'card wide-card', 'aria-labelledby': 'verify-h' },
        h('h2', { id: 'verify-h' }, 'Verify a shard'),
        h('p', { class: 'muted' }, 'Fetches the shard\'s RFC 9162 inclusion proof and checks it here in the browser, against the plan\'s certified root. The proof below can be edited and checked again.'),
        h('form', { id: 'verify-form', class: 'row', onsubmit: (e) => { e.preventDefault(); fetchAndVerify(planId); } },
          h('label', { for: 'cas-id' }, 'shard (cas id)'),
          h('input', { id: 'cas-id', class: 'mono', size: 66, maxlength: 64, pattern: '[0-9a-f]{64}', required: true, autocomplete: 'off', list: 'shard-choices' }),
          h('datalist', { id: 'shard-choices' }),
          h('button', { type: 'submit', id: 'fetch-proof' }, 'Fetch and verify')),
        h('label', { for: 'proof-json' }, 'proof'),
        h('textarea', { id: 'proof-json', class: 'mono', rows: 8, spellcheck: 'false' }),
        h('div', { class: 'row' }, h('button', { type: 'button', id: 'verify-proof', onclick: () => verifyEdited(planId) }, 'Verify this proof'),
          h('output', { id: 'proof-result', for: 'proof-json', role: 'status' })))));
  updatePlanView(plan);
  fillCasSuggestion(planId);
  if (!state.leaves.get(planId)) {
    findLeaves(plan);
  }
  $('#plan-title').focus();
}

function updatePlanView(plan) {
  if (!plan || !$('#plan-progress')) {
    return;
  }
  $('#plan-status').replaceChildren(statusBadge(plan.status));
  $('#plan-progress').replaceChildren(progressBar(plan, true));
  $('#plan-eta').textContent = eta(plan);
  $('#plan-error').textContent = plan.error || '';
  const admiralButtons = { abort: ACTIVE.has(plan.status), replay: REPLAYABLE.has(plan.status) };
  for (const [id, enabled] of Object.entries(admiralButtons)) {
    const b = document.getElementById(id);
    if (b) {
      b.disabled = !enabled;
    }
  }
  const spec = (state.specs && state.specs.get(plan.plan_id)) || {};
  const specStages = new Map(((spec.stages) || []).map((s) => [s.id, s]));
  const stages = (plan.stages || []).map((s) => ({ ...s, depends_on: (specStages.get(s.id) || {}).depends_on || [] }));
  $('#plan-dag').replaceChildren(stages.length ? renderDag(stages) : h('p', { class: 'muted' }, 'No stages reported.'));
  $('#stage-rows').replaceChildren(...stages.map((s) => h('tr', { 'data-stage': s.id },
    h('th', { scope: 'row' }, s.id), h('td', {}, s.kind), h('td', {}, statusBadge(s.status)),
    STATES.map((k) => h('td', { class: 'num' }, s.shards ? String(s.shards[k] ?? 0) : '—')),
    h('td', { class: 'num' }, s.p95_ms ?? '—'), h('td', { class: 'mono' }, short(s.root, 10)))));
  $('#merkle-root').textContent = plan.merkle_root || 'not yet (the root exists once every shard is in)';
  $('#hash-alg').textContent = plan.hash_alg || '—';
  const cert = plan.certificate;
  const certBox = $('#certificate');
  if (cert) {
    certBox.replaceChildren(h('span', {},
      h('span', { id: 'certificate-outcome', class: 'status status-' + (cert.outcome === 'certified' ? 'certified' : 'failed'), 'data-outcome': cert.outcome }, cert.outcome),
      ` ${cert.mode || ''} · ${cert.leaf_count ?? '?'} leaves · decided ${when(cert.decided_at)}`,
      cert.missing && cert.missing.length ? h('div', { class: 'error' }, 'missing: ' + cert.missing.join(', ')) : null));
    $('#votes').replaceChildren(h('table', { id: 'votes-table' },
      h('thead', {}, h('tr', {}, ['validator', 'root', 'leaves', 'agrees', 'key', 'at'].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, (cert.votes || []).map((v) => h('tr', { 'data-validator': v.validator },
        h('th', { scope: 'row' }, v.validator), h('td', { class: 'mono', title: v.merkle_root || v.error }, short(v.merkle_root, 10) || v.error),
        h('td', { class: 'num' }, v.leaf_count ?? '—'),
        h('td', {}, v.merkle_root && v.merkle_root === cert.merkle_root ? '✔ yes' : '✘ no'),
        h('td', { class: 'mono' }, v.key_id || '—'), h('td', {}, when(v.at)))))));
  } else {
    certBox.textContent = plan.status === 'certification_failed' ? 'certification failed' : 'pending (validators have not decided)';
    $('#votes').replaceChildren(h('p', { class: 'muted' }, 'No votes recorded yet.'));
  }
}

function fillCasSuggestion(planId) {
  const input = $('#cas-id');
  const seen = state.leaves.get(planId);
  if (input && !input.value && seen && seen.length) {
    input.value = seen[0].cas_id;
  }
  const choices = $('#shard-choices');
  if (choices && seen) {
    choices.replaceChildren(...seen.map((l) => h('option', { value: l.cas_id },
      (l.stage ? l.stage + ' ' : '') + '#' + l.index)));
  }
}

/** A plan's shards to pick from: the first page of its done shards, from the gateway's shard listing. */
async function findLeaves(plan) {
  let page;
  try {
    page = await get(`/api/hxo/plan/${encodeURIComponent(plan.plan_id)}/shards?state=done&limit=50`);
  } catch (e) {
    return;
  }
  const shards = (page.shards || []).map((s) => ({ cas_id: s.cas_id, index: s.index, stage: s.stage }));
  if (shards.length) {
    state.leaves.set(plan.plan_id, shards);
  }
  fillCasSuggestion(plan.plan_id);
}

function expectedRoot(planId) {
  const plan = state.plans.get(planId) || {};
  return (plan.certificate && plan.certificate.merkle_root) || plan.merkle_root || null;
}

function showResult(result) {
  const out = $('#proof-result');
  out.className = result.ok ? 'verdict ok' : 'verdict bad';
  out.dataset.verdict = result.ok ? 'verified' : 'rejected';
  out.textContent = (result.ok ? '✔ Verified: ' : '✘ Rejected: ') + result.reason;
  announce(out.textContent);
}

async function fetchAndVerify(planId) {
  const cas = $('#cas-id').value.trim();
  const out = $('#proof-result');
  out.className = 'verdict';
  out.dataset.verdict = 'pending';
  out.textContent = 'fetching the proof…';
  let proof;
  try {
    proof = await get(`/api/hxo/plan/${planId}/proof/${cas}`);
  } catch (e) {
    out.dataset.verdict = 'error';
    out.className = 'verdict bad';
    out.textContent = 'No proof: ' + e.message;
    return;
  }
  $('#proof-json').value = JSON.stringify(proof, null, 2);
  if (proof.cas_id !== cas) {
    showResult({ ok: false, reason: 'the gateway answered with a proof for another shard' });
    return;
  }
  showResult(await verifyProof(proof, expectedRoot(planId)));
}

async function verifyEdited(planId) {
  let proof;
  try {
    proof = JSON.parse($('#proof-json').value);
  } catch (e) {
    showResult({ ok: false, reason: 'the proof is not valid JSON (' + e.message + ')' });
    return;
  }
  showResult(await verifyProof(proof, expectedRoot(planId)));
}

// ---------------------------------------------------------------- routing

function route() {
  if (!session.token || !state.role) {
    return;
  }
  const m = location.hash.match(/^#\/plans\/([0-9a-fA-F-]{36})$/);
  if (m) {
    renderPlan(m[1].toLowerCase());
  } else {
    renderDashboard();
    $('#main h1')?.focus();
  }
}

function startConsole() {
  renderWho();
  startStream();
  loadAlerts();
  route();
}

async function boot() {
  window.addEventListener('hashchange', route);
  $('#api-base').textContent = apiBase || location.origin;
  const token = session.token;
  if (!token) {
    renderSignIn();
    return;
  }
  try {
    await signIn(token);
  } catch (e) {
    session.token = null;
    renderSignIn(signInMessage(e));
  }
}

boot();
