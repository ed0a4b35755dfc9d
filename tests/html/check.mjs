// Checks of gongwen's HTML in a real browser (headless Chromium through puppeteer-core), run by
// tests/html_conformance.rs:
//
//   node check.mjs axe FILE.html…            one JSON line per file and viewport: axe-core's
//                                            violations, and whether the page itself scrolls
//                                            sideways (it must not: text reflows, tables scroll
//                                            in their own box)
//   node check.mjs screenshot FILE.html N OUT.png WIDTH
//                                            a PNG of the N-th table (from 0) at that width
//
// Chromium is /usr/bin/chromium (Debian's package) unless CHROMIUM names another.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import puppeteer from 'puppeteer-core';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

// Desktop; the same desktop at 200 % zoom (half the CSS pixels); a phone; and 320 CSS pixels,
// the width WCAG 1.4.10 (reflow) asks content to work at.
const VIEWPORTS = [
  { name: 'desktop', width: 1280, height: 800 },
  { name: 'zoom-200', width: 640, height: 400 },
  { name: 'phone', width: 375, height: 667, isMobile: true, hasTouch: true, deviceScaleFactor: 2 },
  { name: 'reflow-320', width: 320, height: 256 },
];

const [mode, ...args] = process.argv.slice(2);
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  // Root in a container has no user namespace for Chromium's sandbox.
  args: ['--no-sandbox', '--disable-gpu', '--font-render-hinting=none'],
});
try {
  const page = await browser.newPage();
  if (mode === 'axe') {
    for (const file of args) {
      for (const viewport of VIEWPORTS) {
        await page.setViewport(viewport);
        await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
        await page.evaluate(axeSource);
        const result = await page.evaluate(async () => {
          // Every rule axe runs by default (WCAG 2.0–2.2 A and AA, best practices).
          const r = await window.axe.run(document, { resultTypes: ['violations'] });
          return {
            violations: r.violations.map((v) => ({
              id: v.id,
              impact: v.impact,
              help: v.help,
              nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5),
            })),
            passes: r.passes.length,
            scrollWidth: document.documentElement.scrollWidth,
            clientWidth: document.documentElement.clientWidth,
          };
        });
        console.log(JSON.stringify({ file, viewport: viewport.name, ...result }));
      }
    }
  } else if (mode === 'screenshot') {
    const [file, index, out, width] = args;
    await page.setViewport({ width: Number(width), height: 900, deviceScaleFactor: 1 });
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    const tables = await page.$$('.gongwen-table');
    const table = tables[Number(index)];
    if (!table) throw new Error(`no table ${index} in ${file}`);
    await table.screenshot({ path: out });
    console.log(JSON.stringify({ file, screenshot: out }));
  } else {
    throw new Error(`unknown mode ${mode}: axe or screenshot`);
  }
} finally {
  await browser.close();
}
