// Page configuration injected by the server as JSON (never as script), and the API key a person
// typed, kept in sessionStorage only: it is gone when the tab closes and never sent anywhere but
// the Authorization header of requests to this service.
const KEY_ITEM = 'graphsvc.apiKey';

export function readConfig() {
  const node = document.getElementById('graphsvc-config');
  const config = node ? JSON.parse(node.textContent) : {};
  return { graphql: config.graphql || '/graphql', demoKey: config.demoKey || null, version: config.version || '' };
}

export function storedKey() {
  try {
    return sessionStorage.getItem(KEY_ITEM);
  } catch {
    return null;
  }
}

export function storeKey(key) {
  sessionStorage.setItem(KEY_ITEM, key);
}

export function forgetKey() {
  sessionStorage.removeItem(KEY_ITEM);
}
