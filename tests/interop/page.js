// Drives Debian's Chromium with puppeteer-core (no browser of its own) for the page tests:
//   node page.js audit URL WIDTH light|dark   axe-core's violations and the page's layout, as JSON
//   node page.js pdf URL OUT.pdf A4|Letter     prints the page as a person would (Chromium's print)
//   node page.js mermaid FILE                  Mermaid's own parser and renderer on a .mmd file
// Chromium is $CHROMIUM, else /usr/bin/chromium.
'use strict';
const fs = require('fs');
const path = require('path');
const puppeteer = require('puppeteer-core');

const [command, ...args] = process.argv.slice(2);
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';

async function withPage(width, scheme, work) {
  const browser = await puppeteer.launch({
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    await page.setViewport({ width, height: 900 });
    await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: scheme }]);
    const result = await work(page);
    result.errors = errors;
    return result;
  } finally {
    await browser.close();
  }
}

async function audit(url, width, scheme) {
  return withPage(Number(width), scheme, async (page) => {
    await page.goto(url, { waitUntil: 'load' });
    await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
    const axe = await page.evaluate(async () => {
      const r = await window.axe.run(document, { resultTypes: ['violations'] });
      return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(' ')) }));
    });
    const layout = await page.evaluate(() => {
      const d = document.documentElement, bars = document.querySelector('.bars');
      const line = bars ? bars.querySelector('line.today') : null;  // the chart's today line, where the page opens
      const today = line ? line.x1.baseVal.value : NaN;
      const cells = [...document.querySelectorAll('tbody td')].map((td) => getComputedStyle(td, '::before').content);
      return {
        width: d.clientWidth,
        scroll: d.scrollWidth,
        over: [...document.body.querySelectorAll('*')]
          .filter((el) => !(bars && bars.contains(el)) && el.getBoundingClientRect().right > d.clientWidth + 0.5)
          .map((el) => el.tagName + '.' + el.className + (el.tagName === 'A' ? ' ' + el.getAttribute('href') : '')),
        bars: bars ? { scrollLeft: bars.scrollLeft, clientWidth: bars.clientWidth, scrollWidth: bars.scrollWidth,
          tabIndex: bars.tabIndex, todayX: today } : null,
        cellLabels: [...new Set(cells)],
        background: getComputedStyle(document.body).backgroundColor,
      };
    });
    // the chart scrolls by keyboard: focus it and press the right arrow
    let keyboard = null;
    if (layout.bars && layout.bars.scrollWidth > layout.bars.clientWidth) {
      await page.focus('.bars');
      const before = await page.evaluate(() => document.querySelector('.bars').scrollLeft);
      await page.keyboard.press('ArrowLeft');
      await new Promise((done) => setTimeout(done, 500));  // the scroll may be animated
      const after = await page.evaluate(() => document.querySelector('.bars').scrollLeft);
      keyboard = { before, after };
    }
    return { axe, layout, keyboard };
  });
}

async function pdf(url, out, format) {
  return withPage(1280, 'light', async (page) => {
    await page.goto(url, { waitUntil: 'load' });
    await page.pdf({ path: out, format, preferCSSPageSize: false, landscape: true, printBackground: true });
    return { written: fs.statSync(out).size };
  });
}

async function mermaid(file) {
  const text = fs.readFileSync(file, 'utf8');
  const script = path.join(path.dirname(require.resolve('mermaid')), 'mermaid.min.js');
  return withPage(1280, 'light', async (page) => {
    await page.setContent('<!DOCTYPE html><body></body>');
    await page.addScriptTag({ path: script });
    return page.evaluate(async (source) => {
      window.mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' });
      try {
        await window.mermaid.parse(source);
        const { svg } = await window.mermaid.render('chart', source);
        const box = document.createElement('div');
        box.innerHTML = svg;
        document.body.appendChild(box);
        const labels = [...box.querySelectorAll('text')].map((t) => t.textContent);
        return { ok: true, bars: box.querySelectorAll('rect.task').length, labels,
          scripts: box.querySelectorAll('script').length };
      } catch (e) {
        return { ok: false, error: String(e && e.message || e) };
      }
    }, text);
  });
}

const commands = { audit, pdf, mermaid };
commands[command](...args)
  .then((r) => process.stdout.write(JSON.stringify(r)))
  .catch((e) => { console.error(String(e && e.stack || e)); process.exit(1); });
