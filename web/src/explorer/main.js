// The explorer: a hash-routed single page over the GraphQL API.
//   #/advocates  #/triage  #/changes?from=ADVOCATE&to=USED_TO_BE  #/customers  #/customer/<id>
// Every route also carries ?brand=<key>; the brand picker changes it.
import './explorer.css';
import { ApiError, currentKey, gql, isDemo } from './api.js';
import { forgetKey, storeKey } from './config.js';
import { errorBox, h } from './dom.js';
import { advocatesView } from './views/advocates.js';
import { changesView } from './views/changes.js';
import { customersView, customerView } from './views/customer.js';
import { triageView } from './views/triage.js';

const ROUTES = [
  { path: 'advocates', label: 'Advocates', view: advocatesView },
  { path: 'triage', label: 'Triage', view: triageView },
  { path: 'changes', label: 'State changes', view: changesView },
  { path: 'customers', label: 'Customers', view: customersView },
];

const state = { brands: [], brand: null };
const main = document.getElementById('main');
const nav = document.getElementById('nav');
const brandSelect = document.getElementById('brand');

function parseHash() {
  const raw = location.hash.replace(/^#\/?/, '');
  const [path, query = ''] = raw.split('?');
  const params = new URLSearchParams(query);
  const parts = path.split('/').map(decodeURIComponent);
  return { name: parts[0] || 'advocates', arg: parts.slice(1).join('/'), params };
}

function href(path, extra = {}) {
  const [base, query = ''] = path.split('?');
  const params = new URLSearchParams(query);
  if (state.brand && !params.has('brand')) params.set('brand', state.brand);
  for (const [k, v] of Object.entries(extra)) v ? params.set(k, v) : params.delete(k);
  return `${base}?${params}`;
}

function navigate(path) {
  location.hash = href(path).slice(1);
}

function setParams(changes) {
  const { name, arg, params } = parseHash();
  for (const [k, v] of Object.entries(changes)) v ? params.set(k, String(v)) : params.delete(k);
  location.hash = `/${name}${arg ? `/${encodeURIComponent(arg)}` : ''}?${params}`;
}

function renderNav(current) {
  nav.replaceChildren(
    ...ROUTES.map((r) => h('a', { href: href(`#/${r.path}`), 'aria-current': r.path === current || (current === 'customer' && r.path === 'customers') ? 'page' : null }, r.label)),
    h('a', { href: './graphql', class: 'external' }, 'GraphiQL'),
  );
}

function keyForm(message) {
  const input = h('input', { id: 'api-key', name: 'key', type: 'password', autocomplete: 'off', required: true, size: 40 });
  return h(
    'form',
    {
      class: 'panel key-form',
      onsubmit: (e) => {
        e.preventDefault();
        storeKey(input.value.trim());
        start();
      },
    },
    h('h1', {}, 'Enter an API key'),
    message ? h('p', { class: 'error', role: 'alert' }, message) : null,
    h('p', {}, 'The key is kept in this tab’s session storage only and sent as “Authorization: Bearer …” to this service. Create one with ', h('code', {}, 'graphsvc keys create'), '.'),
    h('label', { for: 'api-key' }, 'API key'),
    ' ',
    input,
    ' ',
    h('button', { type: 'submit' }, 'Use key'),
  );
}

function askForKey(message) {
  document.body.classList.add('no-key');
  main.replaceChildren(keyForm(message));
  main.querySelector('input')?.focus();
}

let renderToken = 0;
function render() {
  const token = ++renderToken;
  const { name, arg, params } = parseHash();
  const wanted = params.get('brand');
  if (wanted && wanted !== state.brand && state.brands.some((b) => b.key === wanted)) state.brand = wanted;
  if (!params.get('brand') && state.brand) {
    params.set('brand', state.brand);
    history.replaceState(null, '', `#/${name}${arg ? `/${encodeURIComponent(arg)}` : ''}?${params}`);
  }
  brandSelect.value = state.brand;
  sessionStorage.setItem('graphsvc.brand', state.brand);
  renderNav(name);
  const brandName = state.brands.find((b) => b.key === state.brand)?.name ?? state.brand;
  const ctx = { brand: state.brand, brandName, params, href, navigate, setParams };
  let view;
  let title;
  if (name === 'customer' && arg) {
    view = customerView({ ...ctx, id: arg });
    title = 'Customer';
  } else {
    const route = ROUTES.find((r) => r.path === name) ?? ROUTES[0];
    view = route.view(ctx);
    title = route.label;
  }
  if (token !== renderToken) return;
  document.title = `${title} · ${brandName} — graphsvc explorer`;
  main.replaceChildren(view);
  main.dataset.view = name;
}

async function start() {
  document.body.classList.remove('no-key');
  if (!currentKey()) return askForKey();
  main.replaceChildren(h('p', { class: 'loading', role: 'status' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), 'Loading brands…'));
  try {
    const data = await gql('query Brands { brands(first: 100) { edges { node { key name } } } }');
    state.brands = data.brands.edges.map((e) => e.node);
  } catch (err) {
    if (err instanceof ApiError && err.unauthorised && !isDemo()) {
      forgetKey();
      return askForKey(`That key was refused: ${err.message}`);
    }
    main.replaceChildren(errorBox(err, start));
    return;
  }
  if (!state.brands.length) {
    main.replaceChildren(h('p', { class: 'empty' }, 'No brands yet: load some data (graphsvc load …) and reload.'));
    return;
  }
  const remembered = sessionStorage.getItem('graphsvc.brand');
  state.brand = state.brands.some((b) => b.key === remembered) ? remembered : state.brands[0].key;
  brandSelect.replaceChildren(...state.brands.map((b) => h('option', { value: b.key }, b.name)));
  brandSelect.disabled = false;
  render();
}

brandSelect.addEventListener('change', () => {
  state.brand = brandSelect.value;
  setParams({ brand: state.brand });
});
// Routes start with "#/"; any other fragment (the skip link's "#main") is an in-page jump.
window.addEventListener('hashchange', () => state.brands.length && location.hash.startsWith('#/') && render());
document.querySelector('.skip')?.addEventListener('click', (e) => {
  e.preventDefault();
  main.focus();
});
document.addEventListener('graphsvc:unauthorised', () => {
  if (!isDemo()) {
    forgetKey();
    askForKey('The service refused the key; enter another.');
  }
});
document.getElementById('forget-key')?.addEventListener('click', () => {
  forgetKey();
  location.reload();
});
if (isDemo()) document.getElementById('forget-key')?.remove();
start();
