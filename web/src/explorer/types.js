// The customer types, their colours (white text on each passes WCAG AA, 4.5:1) and what they ask for.
export const TYPES = {
  USED_TO_BE: { label: 'Used to be', colour: '#b03a2e', acts: 'support, at once' },
  FUTURE: { label: 'Future', colour: '#0b6e78', acts: 'sales, fast' },
  PASSIVE: { label: 'Passive', colour: '#1f5f9e', acts: 'support, within SLA' },
  COLLABORATIVE: { label: 'Collaborative', colour: '#1d7440', acts: 'community / marketing' },
  ADVOCATE: { label: 'Advocate', colour: '#8a5300', acts: 'marketing / PR' },
  VENTING: { label: 'Venting', colour: '#6b4c9a', acts: 'watch' },
  OTHER: { label: 'Other', colour: '#55606b', acts: 'nobody' },
};

export const TYPE_NAMES = Object.keys(TYPES);
export const NO_STATE_COLOUR = '#9aa4ad';

export function typeColour(type) {
  return type ? TYPES[type]?.colour ?? NO_STATE_COLOUR : NO_STATE_COLOUR;
}

export function typeLabel(type) {
  return type ? TYPES[type]?.label ?? type : 'no state';
}
