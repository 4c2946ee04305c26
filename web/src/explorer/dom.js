// A tiny element builder and the shared loading / error panel; no framework needed.
import { typeColour, typeLabel } from './types.js';

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') el.addEventListener(name.slice(2), value);
    else if (name === 'class') el.className = value;
    else if (name === 'dataset') Object.assign(el.dataset, value);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function typeBadge(type) {
  return h('span', { class: 'badge', style: `background:${typeColour(type)}`, 'data-type': type || 'NONE' }, typeLabel(type));
}

/** A titled section that shows "Loading…", then what `load` renders, or the error with a Retry button. */
export function panel(title, load, { id, level = 'h2', extra = null } = {}) {
  const body = h('div', { class: 'panel-body' });
  const section = h('section', { class: 'panel', id, 'aria-labelledby': id ? `${id}-title` : null }, h('div', { class: 'panel-head' }, h(level, { id: id ? `${id}-title` : null }, title), extra), body);
  const run = async () => {
    body.replaceChildren(h('p', { class: 'loading', role: 'status' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), 'Loading…'));
    section.setAttribute('aria-busy', 'true');
    try {
      const content = await load();
      body.replaceChildren(...[content].flat().filter(Boolean));
    } catch (err) {
      body.replaceChildren(errorBox(err, run));
      if (err?.unauthorised) document.dispatchEvent(new CustomEvent('graphsvc:unauthorised'));
    } finally {
      section.removeAttribute('aria-busy');
    }
  };
  section.reload = run;
  run();
  return section;
}

export function errorBox(err, retry) {
  return h(
    'div',
    { class: 'error', role: 'alert' },
    h('strong', {}, 'Could not load this. '),
    h('span', { class: 'error-message' }, err?.message || String(err)),
    retry ? h('button', { type: 'button', class: 'secondary', onclick: retry }, 'Retry') : null,
  );
}

export function announce(message) {
  const live = document.getElementById('live');
  if (live) {
    live.textContent = '';
    setTimeout(() => (live.textContent = message), 30);
  }
}
