// The GraphiQL page: GraphiQL 3 (CodeMirror 5 editors, fonts inlined in its CSS), so it needs no
// web worker, CDN or font server. The API key travels in the Authorization header, which the
// headers tab edits; it is never written to localStorage (shouldPersistHeaders stays false).
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import 'graphiql/graphiql.css';
import { readConfig, storedKey } from './explorer/config.js';

const config = readConfig();

const DEFAULT_QUERY = `# graphsvc: the customer graph of brands' social customers.
# Your API key goes in the Headers tab: {"Authorization": "Bearer <key>"}.
query Overview {
  brands {
    edges {
      node {
        key
        name
      }
    }
  }
}
`;

async function fetcher(params, options) {
  const headers = { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' };
  Object.assign(headers, options?.headers ?? {});
  const response = await fetch(config.graphql, { method: 'POST', headers, body: JSON.stringify(params), credentials: 'omit' });
  const type = response.headers.get('content-type') || '';
  if (type.includes('json')) return response.json();
  return { errors: [{ message: `HTTP ${response.status}: ${(await response.text()).slice(0, 500)}` }] };
}

const key = config.demoKey || storedKey();
const headers = JSON.stringify({ Authorization: `Bearer ${key || '<paste your API key here>'}` }, null, 2);

createRoot(document.getElementById('graphiql')).render(
  <GraphiQL fetcher={fetcher} defaultQuery={DEFAULT_QUERY} headers={headers} isHeadersEditorEnabled shouldPersistHeaders={false} defaultEditorToolsVisibility={key ? false : 'headers'} />,
);
