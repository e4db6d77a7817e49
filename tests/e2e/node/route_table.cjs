// The route table of a built Next.js app, as the framework itself recorded it.
// Usage: node route_table.cjs APP_DIR  -> JSON on stdout.
//
// Sources (Next.js 15.5): .next/app-path-routes-manifest.json (entry -> URL, groups
// stripped), .next/server/app-paths-manifest.json (entry -> built file; loading it gives
// routeModule.userland, the exported handlers, and routeModule.resolvedPagePath, the
// source), .next/server/pages-manifest.json (Pages Router), .next/routes-manifest.json
// (basePath), and .next/trace (the build's entries name each Pages API source file).
// Test-only: it loads the generated app's own built modules, never a user's project.
'use strict';
const fs = require('fs');
const path = require('path');

const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'];
const appDir = path.resolve(process.argv[2]);
const next = path.join(appDir, '.next');
const server = path.join(next, 'server');
const readJson = (p) => JSON.parse(fs.readFileSync(p, 'utf8'));
const rel = (p) => path.relative(appDir, p).split(path.sep).join('/');

const basePath = readJson(path.join(next, 'routes-manifest.json')).basePath || '';
const routes = [];

const appUrls = readJson(path.join(next, 'app-path-routes-manifest.json'));
const appFiles = readJson(path.join(server, 'app-paths-manifest.json'));
for (const [entry, url] of Object.entries(appUrls)) {
  if (!entry.endsWith('/route')) continue; // pages of the App Router are not API routes
  const mod = require(path.join(server, appFiles[entry]));
  const rm = mod.routeModule;
  routes.push({
    entry,
    url: basePath + (url === '/' && basePath ? '' : url),
    router: 'app',
    file: rel(rm.resolvedPagePath),
    methods: HTTP_METHODS.filter((m) => Object.prototype.hasOwnProperty.call(rm.userland, m)),
  });
}

// Which source file each Pages entry was built from: the build's add-entry spans carry
// `absolutePagePath=private-next-pages/...`; the compiled-module spans say which pages
// folder that alias stood for (root pages/ or src/pages/).
const pageSources = {};
const built = new Set();
for (const line of fs.readFileSync(path.join(next, 'trace'), 'utf8').split('\n')) {
  if (!line.trim()) continue;
  for (const ev of JSON.parse(line)) {
    const tags = ev.tags || {};
    if (ev.name === 'add-entry' && typeof tags.request === 'string' && tags.request.includes('kind=PAGES_API')) {
      const q = new URLSearchParams(tags.request.split('?')[1].replace(/!$/, ''));
      pageSources[q.get('page')] = q.get('absolutePagePath').replace(/^private-next-pages\//, '');
    } else if (ev.name && ev.name.startsWith('build-module') && typeof tags.name === 'string') {
      built.add(tags.name);
    }
  }
}
const pages = readJson(path.join(server, 'pages-manifest.json'));
for (const [page, file] of Object.entries(pages)) {
  if (!(page === '/api' || page.startsWith('/api/'))) continue;
  const inside = pageSources[page];
  const candidates = ['pages', 'src/pages'].map((d) => path.join(appDir, d, inside));
  const source = candidates.find((c) => built.has(c));
  const mod = require(path.join(server, file));
  routes.push({
    entry: page,
    url: basePath + page,
    router: 'pages',
    file: source ? rel(source) : `?/${inside}`,
    methods: typeof mod.default === 'function' ? ['*'] : [],
  });
}
process.stdout.write(JSON.stringify({ basePath, routes }, null, 2) + '\n');
