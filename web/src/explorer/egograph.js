// The ego network of one customer with Cytoscape.js: who follows them, whom they follow.
// Nodes are coloured by their state toward the selected brand and sized by 2-hop reach; the
// graph pans and zooms, and tapping (or Enter on the list below it) opens a neighbour.
import cytoscape from 'cytoscape';
import { customerName } from './format.js';
import { typeColour } from './types.js';

function size(reach) {
  return 18 + 10 * Math.log10(1 + (reach || 0));
}

/** Draw into `container`; returns the Cytoscape instance. `open(id)` is called on a tap. */
export function drawEgoGraph(container, { centre, followers, following, brand, open }) {
  const nodes = new Map();
  const add = (c, role) => {
    const known = nodes.get(c.id);
    if (known) {
      known.data.role = known.data.role === role ? role : 'mutual';
      return;
    }
    nodes.set(c.id, {
      data: {
        id: c.id,
        label: customerName(c),
        colour: typeColour(c.stateFor?.type),
        size: size(c.peerReach),
        role,
        isBrand: Boolean(c.brand),
      },
    });
  };
  add(centre, 'centre');
  followers.forEach((c) => add(c, 'follower'));
  following.forEach((c) => add(c, 'following'));
  const edges = [
    ...followers.map((c) => ({ data: { id: `f:${c.id}`, source: c.id, target: centre.id } })),
    ...following.map((c) => ({ data: { id: `g:${c.id}`, source: centre.id, target: c.id } })),
  ];
  const cy = cytoscape({
    container,
    elements: [...nodes.values(), ...edges],
    wheelSensitivity: 0.3,
    minZoom: 0.2,
    maxZoom: 4,
    style: [
      {
        selector: 'node',
        style: {
          'background-color': 'data(colour)',
          width: 'data(size)',
          height: 'data(size)',
          label: 'data(label)',
          'font-size': 9,
          color: '#1b2430',
          'text-valign': 'bottom',
          'text-margin-y': 3,
          'text-background-color': '#ffffff',
          'text-background-opacity': 0.8,
          'text-background-padding': 1,
          'border-width': 1,
          'border-color': '#ffffff',
        },
      },
      { selector: 'node[role = "centre"]', style: { 'border-width': 4, 'border-color': '#1b2430', 'font-size': 12, 'font-weight': 'bold' } },
      { selector: 'node[?isBrand]', style: { shape: 'round-rectangle' } },
      { selector: 'node:selected', style: { 'border-width': 4, 'border-color': '#f5b800' } },
      {
        selector: 'edge',
        style: { width: 1, 'line-color': '#aab4be', 'target-arrow-color': '#aab4be', 'target-arrow-shape': 'triangle', 'arrow-scale': 0.7, 'curve-style': 'straight' },
      },
    ],
    layout: { name: 'concentric', concentric: (n) => (n.data('role') === 'centre' ? 2 : 1), levelWidth: () => 1, minNodeSpacing: 14, animate: false },
  });
  cy.on('tap', 'node', (evt) => {
    const id = evt.target.id();
    if (id !== centre.id) open(id);
  });
  cy.on('mouseover', 'node', () => (container.style.cursor = 'pointer'));
  cy.on('mouseout', 'node', () => (container.style.cursor = ''));
  // Keyboard: + and - zoom, arrows pan, 0 fits; the container is focusable.
  container.addEventListener('keydown', (e) => {
    const pan = { ArrowLeft: [40, 0], ArrowRight: [-40, 0], ArrowUp: [0, 40], ArrowDown: [0, -40] }[e.key];
    if (pan) cy.panBy({ x: pan[0], y: pan[1] });
    else if (e.key === '+' || e.key === '=') zoomBy(cy, 1.25);
    else if (e.key === '-') zoomBy(cy, 0.8);
    else if (e.key === '0') cy.fit(undefined, 20);
    else return;
    e.preventDefault();
  });
  return cy;
}

export function zoomBy(cy, factor) {
  cy.zoom({ level: cy.zoom() * factor, renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } });
}
