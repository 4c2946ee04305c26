// How numbers, times and durations read on the page.
const numberFormat = new Intl.NumberFormat('en');
const dateTime = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
const dayFormat = new Intl.DateTimeFormat('en-GB', { day: '2-digit', month: 'short' });

export const num = (n) => (n === null || n === undefined ? '—' : numberFormat.format(n));
export const score = (x) => (x === null || x === undefined ? '—' : x.toFixed(x < 10 ? 3 : 1));
export const when = (iso) => (iso ? dateTime.format(new Date(iso)) : '—');
export const day = (date) => dayFormat.format(date);

/** 5400 -> "1 h 30 min"; durations in seconds. */
export function duration(seconds) {
  if (seconds === null || seconds === undefined) return '—';
  const s = Math.abs(seconds);
  if (s < 60) return `${Math.round(s)} s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min`;
  const hours = Math.floor(m / 60);
  if (hours < 48) return m % 60 ? `${hours} h ${m % 60} min` : `${hours} h`;
  const days = Math.floor(hours / 24);
  return hours % 24 ? `${days} d ${hours % 24} h` : `${days} d`;
}

/** The UTC day (YYYY-MM-DD) of an ISO time. */
export const isoDay = (iso) => iso.slice(0, 10);

export function customerName(c) {
  if (!c) return 'unknown';
  return c.handle ? `@${c.handle}` : c.name || c.platformId || c.id;
}
