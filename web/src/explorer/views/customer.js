// Customer: profile, state per brand over time, interactions, and the ego network.
import { gql } from '../api.js';
import { stateTimeline } from '../charts.js';
import { h, panel, typeBadge } from '../dom.js';
import { drawEgoGraph, zoomBy } from '../egograph.js';
import { customerName, duration, num, score, when } from '../format.js';

const PROFILE = `query Customer($id: ID!) {
  customer(id: $id) {
    id platformId platform handle name followerCount influence
    reach1: peerReach(hops: 1) reach2: peerReach(hops: 2)
    brand { key name }
    states { type since brand { key name } }
    interactions(first: 100) {
      edges { node {
        id platformId text createdAt lang type confidence cues needsResponse dueAt
        brands { key name }
        response { at delay }
      } }
    }
  }
}`;

const NEIGHBOURS = `query Ego($id: ID!, $brand: String!, $first: Int!) {
  customer(id: $id) {
    id platformId handle name peerReach(hops: 2) stateFor(brand: $brand) { type }
    followers(first: $first) { edges { node { ...N } } pageInfo { hasNextPage } }
    following(first: $first) { edges { node { ...N } } pageInfo { hasNextPage } }
  }
}
fragment N on Customer { id platformId handle name peerReach(hops: 2) stateFor(brand: $brand) { type } brand { key } }`;

const LIST = `query Customers($brand: String!, $first: Int!) {
  customers(filter: { brand: $brand, order: REACH2 }, first: $first) {
    edges { node { id platformId handle name followerCount reach2: peerReach(hops: 2) stateFor(brand: $brand) { type } } }
  }
}`;

/** Each brand's state segments, derived from the interactions: state = latest classified type, OTHER aside. */
export function stateSegments(interactions) {
  const byBrand = {};
  const ordered = [...interactions].filter((p) => p.type && p.type !== 'OTHER').sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  for (const post of ordered) {
    for (const b of post.brands) {
      const segs = (byBrand[b.name || b.key] ||= []);
      const t = Date.parse(post.createdAt);
      const last = segs[segs.length - 1];
      if (last && last.type === post.type) continue;
      if (last) last.end = t;
      segs.push({ type: post.type, start: t, end: null });
    }
  }
  return byBrand;
}

function profileCard(c) {
  const facts = [
    ['Platform id', c.platformId],
    ['Followers (platform)', num(c.followerCount)],
    ['Peer reach, 1 hop', num(c.reach1)],
    ['Peer reach, 2 hops', num(c.reach2)],
    ['Influence', score(c.influence)],
  ];
  return h(
    'div',
    { class: 'profile' },
    h('dl', {}, facts.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
    c.states.length
      ? h('ul', { class: 'states', 'aria-label': 'Current state per brand' }, c.states.map((s) => h('li', {}, h('strong', {}, s.brand?.name ?? '?'), ' ', typeBadge(s.type), h('span', { class: 'muted' }, ` since ${when(s.since)}`))))
      : h('p', { class: 'muted' }, 'No state toward any brand yet.'),
  );
}

function interactionList(posts) {
  if (!posts.length) return h('p', { class: 'empty' }, 'No interactions.');
  return h(
    'ol',
    { class: 'interactions', id: 'interactions' },
    posts.map((p) =>
      h(
        'li',
        {},
        h('div', { class: 'change-head' }, p.type ? typeBadge(p.type) : h('span', { class: 'muted' }, 'unclassified'), h('span', { class: 'muted' }, ` ${when(p.createdAt)} · ${p.brands.map((b) => b.name).join(', ')}${p.confidence !== null ? ` · confidence ${p.confidence.toFixed(2)}` : ''}`)),
        h('blockquote', { lang: p.lang || null }, p.text ?? '(text hidden for your role)'),
        h('p', { class: 'meta' }, p.response ? `Answered after ${duration(p.response.delay)}` : p.needsResponse ? h('span', { class: 'overdue' }, 'Not answered yet') : 'No answer needed', p.cues.length ? ` · cues: ${p.cues.slice(0, 6).join(', ')}` : ''),
      ),
    ),
  );
}

function egoPanel(id, brand, brandName, navigate, href) {
  return panel(
    `Ego network — coloured by state toward ${brandName}`,
    async () => {
      const data = await gql(NEIGHBOURS, { id, brand, first: 40 });
      const c = data.customer;
      const followers = c.followers.edges.map((e) => e.node);
      const following = c.following.edges.map((e) => e.node);
      const box = h('div', { class: 'graph', id: 'ego-graph', tabindex: '0', role: 'application', 'aria-label': 'Ego network graph. Arrow keys pan, plus and minus zoom, 0 fits. The list below opens neighbours.' });
      const cy = { current: null };
      const tools = h(
        'div',
        { class: 'graph-tools' },
        h('button', { type: 'button', class: 'secondary', onclick: () => zoomBy(cy.current, 1.25) }, 'Zoom in'),
        h('button', { type: 'button', class: 'secondary', onclick: () => zoomBy(cy.current, 0.8) }, 'Zoom out'),
        h('button', { type: 'button', class: 'secondary', onclick: () => cy.current.fit(undefined, 20) }, 'Fit'),
        h('span', { class: 'muted' }, ` ${followers.length}${c.followers.pageInfo.hasNextPage ? '+' : ''} followers, ${following.length}${c.following.pageInfo.hasNextPage ? '+' : ''} following shown; size = 2-hop reach.`),
      );
      const neighbours = [...new Map([...followers, ...following].map((n) => [n.id, n])).values()];
      const list = h(
        'details',
        { class: 'neighbours' },
        h('summary', {}, `Neighbours as a list (${neighbours.length})`),
        h('ul', {}, neighbours.map((n) => h('li', {}, h('a', { href: href(`#/customer/${encodeURIComponent(n.id)}`) }, customerName(n)), ' ', typeBadge(n.stateFor?.type), h('span', { class: 'muted' }, ` reach ${num(n.peerReach)}`)))),
      );
      // Cytoscape needs the container in the document to measure it: draw on the next frame.
      requestAnimationFrame(() => {
        cy.current = drawEgoGraph(box, { centre: c, followers, following, brand, open: (nid) => navigate(`#/customer/${encodeURIComponent(nid)}`) });
        box.dataset.nodes = String(cy.current.nodes().length);
        window.__graphsvcEgo = cy.current; // for the end-to-end tests and for poking at in devtools
      });
      return [tools, box, list];
    },
    { id: 'ego-panel' },
  );
}

export function customerView({ id, brand, brandName, href, navigate }) {
  const page = h('div', { class: 'customer' });
  const head = panel(
    'Customer',
    async () => {
      const data = await gql(PROFILE, { id });
      const c = data.customer;
      if (!c) throw new Error(`No customer ${id}.`);
      document.title = `${customerName(c)} — graphsvc explorer`;
      head.querySelector('h1').textContent = customerName(c) + (c.name ? ` (${c.name})` : '');
      const posts = c.interactions.edges.map((e) => e.node);
      const segments = stateSegments(posts);
      return [
        profileCard(c),
        Object.keys(segments).length ? stateTimeline(segments) : null,
        h('h2', {}, 'Interactions'),
        interactionList(posts),
      ];
    },
    { id: 'customer-panel', level: 'h1' },
  );
  page.append(h('div', { class: 'grid two' }, head, egoPanel(id, brand, brandName, navigate, href)));
  return page;
}

export function customersView({ brand, href }) {
  return panel(
    'Customers by reach',
    async () => {
      const data = await gql(LIST, { brand, first: 50 });
      const rows = data.customers.edges.map(({ node }) =>
        h('tr', {}, h('th', { scope: 'row' }, h('a', { href: href(`#/customer/${encodeURIComponent(node.id)}`) }, customerName(node))), h('td', {}, typeBadge(node.stateFor?.type)), h('td', { class: 'num' }, num(node.reach2)), h('td', { class: 'num' }, num(node.followerCount))),
      );
      return h('table', { class: 'data', id: 'customers' }, h('caption', {}, 'Customers who talked about this brand, widest 2-hop reach first.'), h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Customer'), h('th', { scope: 'col' }, 'State'), h('th', { scope: 'col' }, 'Reach (2 hops)'), h('th', { scope: 'col' }, 'Followers'))), h('tbody', {}, rows));
    },
    { id: 'customers-panel' },
  );
}
