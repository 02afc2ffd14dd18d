// The UI's budget, measured (not asserted): the gzipped size of the
// JavaScript the first screen loads and of what is loaded later, and the
// first render of a phone-sized page (390x844) under 4x CPU throttling in
// headless Chromium, the built web/dist served by a plain local HTTP server
// (the UI's own cost, without a host behind it: the first screen is the
// onboarding form). Prints a table for BENCHMARKS.md.
//   node e2e/budget.mjs [--runs 5]
// CHROMIUM (default /usr/bin/chromium).
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const DIST = path.join(here, '..', 'dist');
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 5;

const gz = (file) => zlib.gzipSync(fs.readFileSync(file), { level: 9 }).length;
const kb = (n) => `${(n / 1024).toFixed(1)} kB`;
const assets = fs.readdirSync(path.join(DIST, 'assets'));
const html = fs.readFileSync(path.join(DIST, 'index.html'), 'utf8');
const entry = assets.filter((a) => html.includes(a));
const lazy = assets.filter((a) => a.endsWith('.js') && !entry.includes(a));
const sum = (list) => list.reduce((n, a) => n + gz(path.join(DIST, 'assets', a)), 0);

const MIME = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css' };
const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  const file = url.pathname === '/' ? path.join(DIST, 'index.html') : path.join(DIST, url.pathname);
  if (file.startsWith(DIST) && fs.existsSync(file) && fs.statSync(file).isFile()) {
    res.writeHead(200, { 'content-type': MIME[path.extname(file)] ?? 'application/octet-stream' });
    res.end(fs.readFileSync(file));
  } else {
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end('{"code":"not_found","message":"no such route"}');
  }
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
});
const fcp = [];
const ready = [];
try {
  for (let i = 0; i < RUNS; i++) {
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, isMobile: true, hasTouch: true });
    const page = await ctx.newPage();
    const cdp = await ctx.newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
    await page.goto(base, { waitUntil: 'commit' });
    // The first screen: a heading drawn by the app.
    await page.locator('h1, h2').first().waitFor({ timeout: 60_000 });
    const t = await page.evaluate(() => ({
      fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN,
      now: performance.now(),
    }));
    fcp.push(t.fcp);
    ready.push(t.now);
    await ctx.close();
  }
} finally {
  await browser.close();
  server.close();
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`| UI JavaScript + CSS loaded by the first screen (gzip) | ${kb(sum(entry))} | ${entry.join(', ')} |`);
console.log(`| UI JavaScript loaded later (gzip, all lazy chunks) | ${kb(sum(lazy))} | ${lazy.length} chunks (Markdown, highlighter core, one per language) |`);
console.log(`| first contentful paint, 390x844, 4x CPU throttling (median of ${RUNS}) | ${median(fcp).toFixed(0)} ms | runs: ${fcp.map((x) => x.toFixed(0)).join(', ')} |`);
console.log(`| first screen drawn (a heading), same (median of ${RUNS}) | ${median(ready).toFixed(0)} ms | runs: ${ready.map((x) => x.toFixed(0)).join(', ')} |`);
