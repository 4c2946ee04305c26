// The explorer's only way to data: POST /graphql with the API key as a Bearer token.
import { readConfig, storedKey } from './config.js';

const config = readConfig();

export class ApiError extends Error {
  constructor(message, { status = 0, codes = [] } = {}) {
    super(message);
    this.status = status;
    this.codes = codes;
  }

  get unauthorised() {
    return this.status === 401 || this.codes.includes('UNAUTHENTICATED');
  }

  get forbidden() {
    return this.status === 403 || this.codes.includes('FORBIDDEN');
  }
}

export function currentKey() {
  return config.demoKey || storedKey();
}

export function isDemo() {
  return Boolean(config.demoKey);
}

export async function gql(query, variables = {}) {
  const key = currentKey();
  if (!key) throw new ApiError('No API key yet: enter one to use the explorer.', { status: 401 });
  let response;
  try {
    response = await fetch(config.graphql, {
      method: 'POST',
      credentials: 'omit',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
        authorization: `Bearer ${key}`,
      },
      body: JSON.stringify({ query, variables }),
    });
  } catch (err) {
    throw new ApiError(`The service did not answer (${err.message}). Is it running?`);
  }
  let body = null;
  try {
    body = await response.json();
  } catch {
    throw new ApiError(`The service answered HTTP ${response.status} without a GraphQL result.`, { status: response.status });
  }
  const errors = body.errors || [];
  if (errors.length) {
    const codes = errors.map((e) => e.extensions?.code).filter(Boolean);
    throw new ApiError(errors.map((e) => e.message).join('; '), { status: response.status, codes });
  }
  if (!response.ok) throw new ApiError(`HTTP ${response.status}`, { status: response.status });
  return body.data;
}

/** Every node of a connection, following pageInfo.endCursor up to `limit` nodes. */
export async function collect(query, variables, pick, { pageSize = 100, limit = 2000 } = {}) {
  const nodes = [];
  let after = null;
  for (;;) {
    const data = await gql(query, { ...variables, first: pageSize, after });
    const conn = pick(data);
    nodes.push(...conn.edges.map((e) => e.node));
    if (!conn.pageInfo.hasNextPage || nodes.length >= limit) return { nodes, truncated: conn.pageInfo.hasNextPage };
    after = conn.pageInfo.endCursor;
  }
}
