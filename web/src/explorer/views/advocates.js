// Advocates: the brand's advocates ranked by de-duplicated peer reach, and the best set of k.
import { gql } from '../api.js';
import { h, panel } from '../dom.js';
import { customerName, num, score } from '../format.js';

const TOP = `query TopAdvocates($brand: String!, $first: Int!, $hops: Int!) {
  topAdvocates(brand: $brand, first: $first, hops: $hops) {
    edges { node { rank reach customer { id platformId handle name followerCount influence } } }
  }
}`;

const SET = `query AdvocateSet($brand: String!, $k: Int!, $hops: Int!) {
  advocateSet(brand: $brand, k: $k, hops: $hops) {
    reach
    picks { gain total customer { id platformId handle name } }
  }
}`;

function customerLink(c, href) {
  return h('a', { href: href(`#/customer/${encodeURIComponent(c.id)}`) }, customerName(c));
}

export function advocatesView({ brand, href, params, setParams }) {
  const hops = params.get('hops') === '1' ? 1 : 2;
  const k = Math.min(Math.max(parseInt(params.get('k') || '5', 10) || 5, 1), 20);
  const hopsPicker = h(
    'label',
    { class: 'inline' },
    'Reach over ',
    h(
      'select',
      { id: 'hops', onchange: (e) => setParams({ hops: e.target.value }) },
      h('option', { value: '1', selected: hops === 1 }, '1 hop (followers)'),
      h('option', { value: '2', selected: hops === 2 }, '2 hops (followers of followers too)'),
    ),
  );
  const leaderboard = panel(
    'Advocate leaderboard',
    async () => {
      const data = await gql(TOP, { brand, first: 25, hops });
      const rows = data.topAdvocates.edges.map(({ node }) =>
        h(
          'tr',
          {},
          h('td', { class: 'num' }, node.rank),
          h('th', { scope: 'row' }, customerLink(node.customer, href)),
          h('td', { class: 'num' }, num(node.reach)),
          h('td', { class: 'num' }, num(node.customer.followerCount)),
          h('td', { class: 'num' }, score(node.customer.influence)),
        ),
      );
      if (!rows.length) return h('p', { class: 'empty' }, 'No customer is an advocate of this brand yet.');
      return h(
        'table',
        { class: 'data', id: 'leaderboard' },
        h('caption', {}, `Customers whose current state is ADVOCATE, by distinct accounts reached in ${hops} hop${hops > 1 ? 's' : ''}.`),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Rank'), h('th', { scope: 'col' }, 'Advocate'), h('th', { scope: 'col' }, 'Reach'), h('th', { scope: 'col' }, 'Followers'), h('th', { scope: 'col' }, 'Influence'))),
        h('tbody', {}, rows),
      );
    },
    { id: 'advocates-panel', extra: hopsPicker },
  );
  const kForm = h(
    'form',
    { class: 'inline', onsubmit: (e) => (e.preventDefault(), setParams({ k: e.target.k.value })) },
    h('label', { for: 'k' }, 'k = '),
    h('input', { id: 'k', name: 'k', type: 'number', min: 1, max: 20, value: k }),
    h('button', { type: 'submit' }, 'Pick'),
  );
  const set = panel(
    `Best advocate set for k = ${k}`,
    async () => {
      const data = await gql(SET, { brand, k, hops });
      const result = data.advocateSet;
      if (!result.picks.length) return h('p', { class: 'empty' }, 'No advocates to pick from.');
      return [
        h(
          'p',
          { class: 'lede' },
          `Together these ${result.picks.length} advocates reach `,
          h('strong', { id: 'set-reach' }, num(result.reach)),
          ' distinct accounts, each counted once: every pick adds only people the earlier picks do not reach yet.',
        ),
        h(
          'ol',
          { class: 'picks', id: 'advocate-set' },
          result.picks.map((p) => h('li', {}, customerLink(p.customer, href), h('span', { class: 'muted' }, ` adds ${num(p.gain)} new accounts (set reach ${num(p.total)})`))),
        ),
      ];
    },
    { id: 'set-panel', extra: kForm },
  );
  return h('div', { class: 'grid two' }, leaderboard, set);
}
