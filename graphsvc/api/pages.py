"""Browser pages: the explorer at ``/`` and GraphiQL at ``GET /graphql`` (when switched on).

These are placeholders the pages work (issue 7) replaces; what they must keep is the contract:
in ``serve`` the explorer asks for a key and keeps it in ``sessionStorage`` only; in ``demo``
(``settings.demo_key`` set) the key is injected so the page works at once.
"""

from __future__ import annotations

import html
import json

from strawberry.http.ides import get_graphql_ide_html

from graphsvc.config import Settings

EXAMPLE = """{
  brands(first: 5) { edges { node { key name } } }
}"""

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>graphsvc explorer</title>
<style>body{font:15px system-ui,sans-serif;margin:2rem;max-width:60rem}textarea{width:100%;height:12rem;font:13px monospace}
pre{background:#f4f4f4;padding:1rem;overflow:auto}label{display:block;margin:.5rem 0}</style></head>
<body>
<h1>graphsvc</h1>
<p>Ask the customer graph. POST <code>/graphql</code> with <code>Authorization: Bearer &lt;key&gt;</code>.</p>
<label id="key-row">API key <input id="key" type="password" size="50" autocomplete="off"
  placeholder="the key `graphsvc keys create` printed"></label>
<textarea id="query">__EXAMPLE__</textarea>
<p><button id="run">Run</button></p>
<pre id="result"></pre>
<script>
const demoKey = __DEMO_KEY__;
const keyInput = document.getElementById("key");
if (demoKey) { sessionStorage.setItem("graphsvc.key", demoKey); document.getElementById("key-row").hidden = true; }
keyInput.value = sessionStorage.getItem("graphsvc.key") || "";
keyInput.addEventListener("change", () => sessionStorage.setItem("graphsvc.key", keyInput.value));
async function run() {
  const key = sessionStorage.getItem("graphsvc.key") || keyInput.value;
  const res = await fetch("/graphql", {method: "POST",
    headers: {"Content-Type": "application/json", "Accept": "application/graphql-response+json",
              "Authorization": "Bearer " + key},
    body: JSON.stringify({query: document.getElementById("query").value})});
  document.getElementById("result").textContent = JSON.stringify(await res.json(), null, 2);
}
document.getElementById("run").addEventListener("click", run);
if (demoKey) run();
</script>
</body></html>
"""


def _script_literal(value: str | None) -> str:
    """A JSON literal safe inside a <script> element."""
    return json.dumps(value).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def explorer_page(settings: Settings) -> str:
    return _PAGE.replace("__EXAMPLE__", html.escape(EXAMPLE)).replace(
        "__DEMO_KEY__", _script_literal(settings.demo_key)
    )


def graphiql_page(settings: Settings) -> str:
    return get_graphql_ide_html("graphiql")
