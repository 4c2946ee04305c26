// Triage: unanswered interactions that need a reply, most urgent first, with a "mark responded" action.
import { gql } from '../api.js';
import { announce, errorBox, h, panel, typeBadge } from '../dom.js';
import { customerName, duration, num, when } from '../format.js';
import { TYPES } from '../types.js';

const QUEUE = `query Triage($brand: String!, $first: Int!) {
  triage(brand: $brand, first: $first) {
    edges { node {
      rank type dueAt overdue waiting reach urgency
      post { id platformId text createdAt lang confidence sla cues }
      customer { id platformId handle name }
    } }
  }
}`;

const MARK = `mutation MarkResponded($postId: ID!) {
  markResponded(postId: $postId) { id response { at delay } }
}`;

function waitingBar(item) {
  const sla = item.post.sla || 1;
  const used = Math.min(item.waiting / sla, 1);
  return h(
    'div',
    { class: 'sla' },
    h('div', { class: `sla-bar${item.overdue ? ' over' : ''}`, role: 'img', 'aria-label': `${Math.round((item.waiting / sla) * 100)} % of the SLA used` }, h('span', { style: `width:${(used * 100).toFixed(1)}%` })),
    h(
      'span',
      { class: item.overdue ? 'overdue' : 'due' },
      item.overdue ? `Overdue by ${duration(item.waiting - sla)}` : `Due in ${duration(sla - item.waiting)}`,
      ` — waiting ${duration(item.waiting)} of a ${duration(sla)} SLA`,
    ),
  );
}

function card(item, href, onDone) {
  const button = h('button', { type: 'button', class: 'mark' }, 'Mark responded');
  const li = h(
    'li',
    { class: `triage-item${item.overdue ? ' is-overdue' : ''}`, dataset: { post: item.post.id, type: item.type } },
    h('div', { class: 'triage-head' }, h('span', { class: 'rank', 'aria-label': `Rank ${item.rank}` }, `#${item.rank}`), typeBadge(item.type), h('span', { class: 'muted' }, TYPES[item.type]?.acts ?? '')),
    h('blockquote', { lang: item.post.lang || null }, item.post.text ?? '(text hidden for your role)'),
    h(
      'p',
      { class: 'meta' },
      h('a', { href: href(`#/customer/${encodeURIComponent(item.customer?.id ?? '')}`) }, customerName(item.customer)),
      ` · reach ${num(item.reach)} · posted ${when(item.post.createdAt)} · urgency ${item.urgency.toFixed(2)}`,
    ),
    waitingBar(item),
    button,
  );
  button.addEventListener('click', async () => {
    button.disabled = true;
    button.textContent = 'Marking…';
    try {
      await gql(MARK, { postId: item.post.id });
      onDone(li, item);
    } catch (err) {
      button.disabled = false;
      button.textContent = 'Mark responded';
      li.append(errorBox(err));
    }
  });
  return li;
}

export function triageView({ brand, href }) {
  return panel(
    'Triage queue',
    async () => {
      const data = await gql(QUEUE, { brand, first: 50 });
      const items = data.triage.edges.map((e) => e.node);
      if (!items.length) return h('p', { class: 'empty' }, 'Nothing is waiting for an answer. 🎉');
      const count = h('p', { class: 'lede', id: 'triage-count' });
      const list = h('ol', { class: 'triage', id: 'triage-list', 'aria-describedby': 'triage-count' });
      let left = items.length;
      const setCount = () => (count.textContent = `${left} unanswered interaction${left === 1 ? '' : 's'} shown, most urgent first (${items.filter((i) => i.overdue).length} overdue when loaded).`);
      const onDone = (li, item) => {
        const next = li.nextElementSibling || li.previousElementSibling;
        li.remove();
        left -= 1;
        setCount();
        announce(`Marked ${item.post.platformId} responded; removed from the queue.`);
        next?.querySelector('button.mark')?.focus();
      };
      items.forEach((item) => list.append(card(item, href, onDone)));
      setCount();
      return [count, list];
    },
    { id: 'triage-panel' },
  );
}
