import fs from 'node:fs';
import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { chromium } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from 'vitest';
import { DEFAULT_POLICY, type Policy } from '~/oversight';
import { previewHistory } from '~/modules/policy/what-if';
import { randomWorld, record, truthful } from '../../../tests/what-if-history';
import { PolicyPreview } from './policy-preview';

const LOOSER: Policy = {
  ...DEFAULT_POLICY,
  intervalStandard: 4,
  intervalLight: 8,
  intervalTrusted: 16,
  loosenStreakTight: 2,
  loosenStreakStandard: 2,
  loosenStreakLight: 2,
};

function preview() {
  const world = randomWorld(21, 20, 60);
  const { history } = record(world, DEFAULT_POLICY, truthful(world));
  // Through JSON, as a loader sends it.
  return JSON.parse(JSON.stringify(previewHistory(history, LOOSER))) as ReturnType<typeof previewHistory>;
}

test('renders both policies side by side: levels, looser and tighter projects with reasons, load, latency, escalations, the model', () => {
  const p = preview();
  expect(p.looser.length + p.tighter.length).toBeGreaterThan(0);
  // React's text separators aside, the markup as a browser gets it.
  const html = renderToString(createElement(PolicyPreview, { preview: p, timeZone: 'Europe/London' })).replace(
    /<!-- -->/g,
    '',
  );
  expect(html).toContain('What the candidate policy would have done');
  expect(html).toContain('counterfactual');
  expect(html).toContain('Projects per level now');
  for (const l of p.levels) expect(html).toMatch(new RegExp(`<td>${l.actual}</td><td>${l.candidate}</td>`));
  for (const c of [...p.looser, ...p.tighter]) {
    expect(html).toContain(c.project);
    expect(html).toContain(c.why.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;').slice(0, 30));
  }
  // The chart: a labelled image with a title and a description, a legend in words, 12 px text, and a table fallback.
  expect(html).toMatch(/<svg[^>]*role="img"[^>]*aria-labelledby="[^"]+"/);
  expect(html).toContain('<title id=');
  expect(html).toContain(
    `${p.loadTotals.actual.reviews} reviews held, ${p.loadTotals.candidate.reviews} under the candidate policy`,
  );
  expect(html).toContain('Reviews held (solid)');
  expect(html).toContain('Under the candidate (hatched)');
  expect(html).not.toMatch(/font-size="(\d|1[01])"/);
  expect(html).toContain('The review load as a table');
  expect(html).toContain('Detection latency');
  expect(html).toContain(`Reviews found ${p.latency.found} misses`);
  expect(html).toContain('Escalations over the history');
});

test('passes axe in a real browser', { timeout: 120_000 }, async () => {
  const html = renderToString(createElement(PolicyPreview, { preview: preview(), timeZone: 'UTC' }));
  const css = fs.readFileSync('app/styles/app.css', 'utf8');
  const browser = await chromium.launch({
    executablePath: fs.existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined,
  });
  try {
    const page = await (await browser.newContext()).newPage();
    await page.setContent(
      `<!DOCTYPE html><html lang="en"><head><title>Preview</title><style>${css}</style></head><body><main><h1>Oversight policy</h1>${html}</main></body></html>`,
    );
    // The table fallback is checked open as well.
    await page.evaluate(() => document.querySelectorAll('details').forEach((d) => (d.open = true)));
    const results = await new AxeBuilder({ page }).analyze();
    expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
    // The y-axis labels render at 12 px or more.
    const sizes = await page.$$eval('svg text', (nodes) => nodes.map((n) => parseFloat(getComputedStyle(n).fontSize)));
    expect(sizes.length).toBeGreaterThan(2);
    for (const s of sizes) expect(s).toBeGreaterThanOrEqual(12);
  } finally {
    await browser.close();
  }
});
