// Lints Cypher statements with Neo4j's own parser and semantic analysis (Cypher 5).
// stdin: {"statements": {"NAME": "cypher text", ...}}; schema.json beside this file declares the
// labels, relationship types, property keys and parameters the statements may use.
// stdout: {"NAME": [{"severity": "error"|"warning", "message": "...", "offset": n}], ...}
import { readFileSync } from 'node:fs';
import { lintCypherQuery } from '@neo4j-cypher/language-support';

const schema = JSON.parse(readFileSync(new URL('./schema.json', import.meta.url), 'utf8'));
const dbSchema = { ...schema, defaultLanguage: 'CYPHER 5' };
const input = JSON.parse(readFileSync(0, 'utf8'));
const out = {};
for (const [name, text] of Object.entries(input.statements)) {
  // Pin the version in the text too, so a default change in the package cannot move us to Cypher 25.
  const { diagnostics } = lintCypherQuery(`CYPHER 5 ${text}`, dbSchema);
  out[name] = diagnostics.map((d) => ({
    severity: d.severity === 1 ? 'error' : d.severity === 2 ? 'warning' : 'info',
    message: d.message,
    offset: d.offsets.start - 'CYPHER 5 '.length,
  }));
}
process.stdout.write(JSON.stringify(out));
