// Builds graphsvc's browser pages into graphsvc/web/static/ with esbuild, offline:
// every byte the pages load comes from these npm packages and src/, nothing from a CDN.
// Also writes LICENSES.txt beside each bundle, with the licence of every package it contains.
import * as esbuild from 'esbuild';
import { readFileSync, writeFileSync, readdirSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = resolve(here, '../graphsvc/web/static');

const bundles = [
  { name: 'graphiql', entry: 'src/graphiql.jsx', title: 'GraphiQL page' },
  { name: 'explorer', entry: 'src/explorer/main.js', title: 'explorer page' },
];

// The package a bundled file came from: "node_modules/@scope/name/..." -> "@scope/name".
function packageOf(input) {
  const m = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//g);
  if (!m) return null;
  return m[m.length - 1].replace(/^node_modules\//, '').replace(/\/$/, '');
}

function packageDir(input, name) {
  const idx = input.lastIndexOf(`node_modules/${name}/`);
  return join(here, input.slice(0, idx), 'node_modules', name);
}

// MIT packages whose npm tarball ships no licence file: the MIT text with their copyright holder
// (from each project's repository). Anything else without a licence file stops the build.
const MIT_HOLDERS = {
  '@headlessui/react': 'Copyright (c) 2020 Tailwind Labs',
  'client-only': 'Copyright (c) Vercel, Inc.',
  'react-compiler-runtime': 'Copyright (c) Meta Platforms, Inc. and affiliates.',
  'react-remove-scroll-bar': 'Copyright (c) 2017 Anton Korzunov',
  'toggle-selection': 'Copyright (c) 2016 sudodoki <smd.deluzion@gmail.com>',
};
const MIT = `Permission is hereby granted, free of charge, to any person obtaining a copy of this software and
associated documentation files (the "Software"), to deal in the Software without restriction, including
without limitation the rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is furnished to do so, subject to the
following conditions:

The above copyright notice and this permission notice shall be included in all copies or substantial
portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT
LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO
EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER
IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE
USE OR OTHER DEALINGS IN THE SOFTWARE.`;

function licenceText(dir, meta) {
  const file = readdirSync(dir).find((f) => /^(licen[cs]e|copying)([-.]|$)/i.test(f));
  if (file) return readFileSync(join(dir, file), 'utf8').trim();
  const holder = MIT_HOLDERS[meta.name];
  if (holder && meta.license === 'MIT') return `MIT License (the package ships no licence file; text supplied by graphsvc)\n\n${holder}\n\n${MIT}`;
  return null;
}

function writeLicences(name, title, metafile) {
  const packages = new Map();
  for (const input of Object.keys(metafile.inputs)) {
    const pkg = packageOf(input);
    if (pkg && !packages.has(pkg)) packages.set(pkg, packageDir(input, pkg));
  }
  const sections = [...packages.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([pkg, dir]) => {
    const meta = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const text = licenceText(dir, meta);
    if (!text) throw new Error(`${pkg} has no licence file; add its licence text by hand before shipping it`);
    return `${meta.name}@${meta.version} (${meta.license})\n${'-'.repeat(72)}\n${text}\n`;
  });
  const header =
    `Third-party software bundled in graphsvc's ${title} (graphsvc/web/static/${name}/).\n` +
    `Built from web/ by \`npm run build\`; ${sections.length} packages.\n\n`;
  writeFileSync(join(out, name, 'LICENSES.txt'), header + sections.join('\n'));
  return [...packages.keys()];
}

for (const { name, entry, title } of bundles) {
  const result = await esbuild.build({
    absWorkingDir: here,
    entryPoints: { [name]: entry },
    outdir: join(out, name),
    bundle: true,
    minify: true,
    format: 'iife',
    target: ['chrome110', 'firefox110', 'safari16'],
    jsx: 'automatic',
    loader: { '.woff2': 'dataurl', '.woff': 'dataurl', '.ttf': 'dataurl', '.svg': 'dataurl', '.png': 'dataurl' },
    define: { 'process.env.NODE_ENV': '"production"' },
    legalComments: 'none', // the licences go to LICENSES.txt in full instead
    metafile: true,
    logLevel: 'warning',
  });
  const pkgs = writeLicences(name, title, result.metafile);
  const sizes = Object.entries(result.metafile.outputs).map(([f, o]) => `${f.split('/').pop()} ${(o.bytes / 1024).toFixed(0)} KiB`);
  console.log(`${name}: ${sizes.join(', ')}; ${pkgs.length} packages`);
}
if (!existsSync(join(out, 'graphiql', 'graphiql.js'))) throw new Error('graphiql bundle missing');
