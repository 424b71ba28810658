// A plan's stages as a left-to-right DAG in SVG: a stage's column is the length of the longest
// dependency chain before it; edges run from a dependency to its dependents.
const SVG = 'http://www.w3.org/2000/svg';
const NODE_W = 168;
const NODE_H = 58;
const GAP_X = 56;
const GAP_Y = 18;

function el(name, attrs, text) {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs || {})) {
    e.setAttribute(k, String(v));
  }
  if (text !== undefined) {
    e.textContent = text;
  }
  return e;
}

/** Column of each stage: 0 for stages without dependencies, else 1 + the deepest dependency. */
export function layers(stages) {
  const byId = new Map(stages.map((s) => [s.id, s]));
  const depth = new Map();
  const visiting = new Set();
  const visit = (id) => {
    if (depth.has(id)) {
      return depth.get(id);
    }
    if (visiting.has(id) || !byId.has(id)) {
      return 0; // a cycle or an unknown id cannot be in an accepted plan; draw it flat rather than loop
    }
    visiting.add(id);
    const deps = byId.get(id).depends_on || [];
    const d = deps.length === 0 ? 0 : 1 + Math.max(...deps.map(visit));
    visiting.delete(id);
    depth.set(id, d);
    return d;
  };
  stages.forEach((s) => visit(s.id));
  return depth;
}

/**
 * @param stages [{id, kind, depends_on, status, total_shards, shards}]
 * @returns an <svg> element (role img, labelled with every stage and edge in words)
 */
export function renderDag(stages) {
  const depth = layers(stages);
  const columns = [];
  for (const s of stages) {
    const d = depth.get(s.id) || 0;
    (columns[d] = columns[d] || []).push(s);
  }
  const rows = Math.max(1, ...columns.map((c) => (c ? c.length : 0)));
  const width = Math.max(1, columns.length) * (NODE_W + GAP_X) - GAP_X + 8;
  const height = rows * (NODE_H + GAP_Y) - GAP_Y + 8;
  const svg = el('svg', { viewBox: `0 0 ${width} ${height}`, width, height, class: 'dag', role: 'img' });
  const pos = new Map();
  columns.forEach((col, c) => (col || []).forEach((s, r) => pos.set(s.id, { x: 4 + c * (NODE_W + GAP_X), y: 4 + r * (NODE_H + GAP_Y) })));
  const words = [];
  const defs = el('defs');
  const marker = el('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' });
  marker.appendChild(el('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'dag-arrow' }));
  defs.appendChild(marker);
  svg.appendChild(defs);
  for (const s of stages) {
    for (const dep of s.depends_on || []) {
      const a = pos.get(dep);
      const b = pos.get(s.id);
      if (!a || !b) {
        continue;
      }
      const x1 = a.x + NODE_W;
      const y1 = a.y + NODE_H / 2;
      const x2 = b.x;
      const y2 = b.y + NODE_H / 2;
      const mx = (x1 + x2) / 2;
      svg.appendChild(el('path', { d: `M ${x1} ${y1} C ${mx} ${y1}, ${mx} ${y2}, ${x2} ${y2}`, class: 'dag-edge', 'marker-end': 'url(#arrow)' }));
      words.push(`${dep} then ${s.id}`);
    }
  }
  for (const s of stages) {
    const p = pos.get(s.id);
    const g = el('g', { class: 'dag-node state-' + (s.status || 'unknown'), transform: `translate(${p.x} ${p.y})`, 'data-stage': s.id });
    g.appendChild(el('rect', { width: NODE_W, height: NODE_H, rx: 6 }));
    g.appendChild(el('text', { x: 10, y: 20, class: 'dag-id' }, s.id.length > 20 ? s.id.slice(0, 19) + '…' : s.id));
    g.appendChild(el('text', { x: 10, y: 36, class: 'dag-kind' }, s.kind || ''));
    const sh = s.shards || {};
    const total = s.total_shards >= 0 ? s.total_shards : null;
    const counts = total === null ? (s.status || '') : `${sh.done || 0}/${total} done` + (sh.failed ? `, ${sh.failed} failed` : '');
    g.appendChild(el('text', { x: 10, y: 51, class: 'dag-count' }, counts));
    g.appendChild(el('title', {}, `${s.id} (${s.kind}): ${s.status || ''} ${counts}`));
    svg.appendChild(g);
  }
  svg.setAttribute('aria-label', 'Stages: ' + stages.map((s) => `${s.id} ${s.status || ''}`).join(', ')
      + (words.length ? '. Order: ' + words.join(', ') : ''));
  return svg;
}
