// The GraphQL-over-HTTP audit (npm graphql-http) against a running server.
// usage: node audit.mjs URL KEY  -> prints one JSON array of {id, name, status, reason}
import { auditServer } from 'graphql-http';

const [url, key] = process.argv.slice(2);
const fetchFn = (input, init = {}) => {
  const headers = new Headers(init.headers || {});
  headers.set('authorization', `Bearer ${key}`);
  return fetch(input, { ...init, headers });
};
const results = await auditServer({ url, fetchFn });
console.log(JSON.stringify(results.map((r) => ({ id: r.id, name: r.name, status: r.status, reason: r.reason || null }))));
