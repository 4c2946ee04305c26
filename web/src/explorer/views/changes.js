// State changes: a feed filtered by from → to (e.g. ADVOCATE → USED_TO_BE) and a per-day chart.
import { collect, gql } from '../api.js';
import { changesPerDay } from '../charts.js';
import { h, panel, typeBadge } from '../dom.js';
import { customerName, when } from '../format.js';
import { TYPE_NAMES, typeLabel } from '../types.js';

const FEED = `query Changes($brand: String!, $since: DateTime, $from: CustomerType, $to: CustomerType, $first: Int!, $after: String) {
  stateChanges(brand: $brand, since: $since, from: $from, to: $to, first: $first, after: $after) {
    edges { node { from to at customer { id platformId handle name } post { id platformId text } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

const DAILY = `query Daily($brand: String!, $since: DateTime, $first: Int!, $after: String) {
  stateChanges(brand: $brand, since: $since, first: $first, after: $after) {
    edges { node { to at } }
    pageInfo { hasNextPage endCursor }
  }
}`;

const DAY_CHOICES = [1, 7, 14, 30];

function select(id, label, value, onchange) {
  return h(
    'label',
    { class: 'inline' },
    `${label} `,
    h('select', { id, onchange }, h('option', { value: '' }, 'any state'), TYPE_NAMES.filter((t) => t !== 'OTHER').map((t) => h('option', { value: t, selected: t === value }, typeLabel(t)))),
  );
}

function row(change, href) {
  return h(
    'li',
    { class: 'change' },
    h('div', { class: 'change-head' }, h('a', { href: href(`#/customer/${encodeURIComponent(change.customer?.id ?? '')}`) }, customerName(change.customer)), ' ', change.from ? typeBadge(change.from) : h('span', { class: 'muted' }, 'new'), h('span', { class: 'arrow', 'aria-label': 'became' }, ' → '), typeBadge(change.to), h('time', { datetime: change.at, class: 'muted' }, ` ${when(change.at)}`)),
    change.post?.text ? h('blockquote', {}, change.post.text) : null,
  );
}

export function changesView({ brand, href, params, setParams }) {
  const from = params.get('from') || '';
  const to = params.get('to') || '';
  const days = DAY_CHOICES.includes(Number(params.get('days'))) ? Number(params.get('days')) : 14;
  const since = new Date(Date.now() - days * 86400000).toISOString();
  const filters = h(
    'form',
    { class: 'filters', onsubmit: (e) => e.preventDefault(), 'aria-label': 'Filter state changes' },
    select('from', 'From', from, (e) => setParams({ from: e.target.value })),
    select('to', 'to', to, (e) => setParams({ to: e.target.value })),
    h('label', { class: 'inline' }, 'in the last ', h('select', { id: 'days', onchange: (e) => setParams({ days: e.target.value }) }, DAY_CHOICES.map((d) => h('option', { value: d, selected: d === days }, `${d} day${d > 1 ? 's' : ''}`)))),
    h('button', { type: 'button', class: 'secondary', onclick: () => setParams({ from: 'ADVOCATE', to: 'USED_TO_BE' }) }, 'Advocates who turned USED_TO_BE'),
  );
  const vars = { brand, since, from: from || null, to: to || null };
  const feed = panel(
    from || to ? `${from ? typeLabel(from) : 'Any'} → ${to ? typeLabel(to) : 'any'}` : 'All state changes',
    async () => {
      const list = h('ol', { class: 'changes', id: 'changes-list' });
      const more = h('button', { type: 'button', class: 'secondary' }, 'Load more');
      let after = null;
      const load = async () => {
        more.disabled = true;
        const data = await gql(FEED, { ...vars, first: 25, after });
        const conn = data.stateChanges;
        conn.edges.forEach((e) => list.append(row(e.node, href)));
        after = conn.pageInfo.endCursor;
        more.hidden = !conn.pageInfo.hasNextPage;
        more.disabled = false;
      };
      more.addEventListener('click', () => load());
      await load();
      if (!list.children.length) return h('p', { class: 'empty' }, `No such state change in the last ${days} days.`);
      return [list, more];
    },
    { id: 'changes-panel' },
  );
  const chart = panel(
    'State changes per day',
    async () => {
      const { nodes, truncated } = await collect(DAILY, { brand, since }, (d) => d.stateChanges, { limit: 3000 });
      return [changesPerDay(nodes, { days }), truncated ? h('p', { class: 'muted' }, 'Only the newest 3,000 changes are counted.') : null];
    },
    { id: 'chart-panel' },
  );
  return h('div', {}, filters, h('div', { class: 'grid two' }, chart, feed));
}
