import type { Page } from '@playwright/test';
import { expect, expectNoAxeViolations, signIn, test } from './fixtures';

// A phone (390 px wide; issue #20): no page and no table scrolls sideways, the header is one line, the dashboard
// shows project, health, level and next review, and its filters fold away. Reads only.
test.use({ viewport: { width: 390, height: 844 } });

async function overflow(page: Page) {
  return page.evaluate(() => ({
    page: { scroll: document.scrollingElement!.scrollWidth, width: window.innerWidth },
    tables: [...document.querySelectorAll('table')].map((t) => ({
      name: t.querySelector('caption')?.textContent ?? '',
      scroll: t.scrollWidth,
      width: t.parentElement!.clientWidth,
    })),
  }));
}

async function expectNoSidewaysScroll(page: Page, path: string) {
  const o = await overflow(page);
  expect(o.page.scroll, `${path}: the page scrolls sideways`).toBeLessThanOrEqual(o.page.width);
  for (const t of o.tables)
    expect(t.scroll, `${path}: table "${t.name}" overflows its box`).toBeLessThanOrEqual(t.width);
}

test("an owner's work fits a 390 px screen, and a badge or button never breaks inside a word", async ({ page }) => {
  await signIn(page, 'owner2@demo.test');
  // A member of one forum lands on it, their work first.
  await expect(page).toHaveURL(/\/forums\/demo$/);
  await expectNoSidewaysScroll(page, '/forums/demo (owner)');
  // The badges of "My work", and the badges and buttons of the action items ("overdue", "Mark done").
  const badges = page.locator('.forum-home .badge, .my-action-items .badge, .my-action-items .button');
  await expect(badges.first()).toBeVisible(); // rendered, not only addressed (count() does not wait)
  // Each word of each badge lies on one line: a word split across lines has two boxes.
  const split = await badges.evaluateAll((els) =>
    els.flatMap((el) => {
      const text = el.firstChild;
      if (!text || text.nodeType !== Node.TEXT_NODE) return [];
      const out: string[] = [];
      for (const m of (text.textContent ?? '').matchAll(/\S+/g)) {
        const range = document.createRange();
        range.setStart(text, m.index);
        range.setEnd(text, m.index + m[0].length);
        if (range.getClientRects().length > 1) out.push(m[0]);
      }
      return out;
    }),
  );
  expect(split).toEqual([]);
  await page.goto('/');
  await expectNoSidewaysScroll(page, '/ (owner)');
});

test('the main pages fit a 390 px screen: nothing overflows sideways and the header is one line', async ({ page }) => {
  await signIn(page, 'chair@demo.test');
  const dashboard = '/forums/demo';
  await page.goto(dashboard);
  // The first project's row (the first link of the table is a column's sort link).
  const project = await page
    .getByRole('table', { name: 'Projects in Demo Leadership Review', exact: true })
    .getByRole('row')
    .nth(1)
    .getByRole('link')
    .first()
    .getAttribute('href');
  expect(project).toMatch(/^\/forums\/demo\/projects\/\d+$/);
  await page.goto('/forums/demo/meetings');
  const meeting = await page.locator('a[href^="/forums/demo/meetings/"]').first().getAttribute('href');
  await page.goto(project!);
  await expect(page.locator('.chart-scroll')).toHaveCount(1);
  for (const path of [
    '/',
    dashboard,
    project!,
    '/forums/demo/oversight',
    '/forums/demo/meetings',
    meeting!,
    '/account',
  ]) {
    await page.goto(path);
    await expectNoSidewaysScroll(page, path);
    // At this width too the page passes axe (the level chart scrolls in a box that takes the keyboard's focus).
    await expectNoAxeViolations(page);
    const header = await page.locator('.app-header').boundingBox();
    const brand = await page.getByRole('link', { name: 'Inspection Forum' }).boundingBox();
    // One line: the header is no taller than a line of its links and their padding.
    expect(header!.height, `${path}: the header wraps`).toBeLessThan(brand!.height * 2 + 20);
  }
});

test('on a phone the dashboard shows project, health, level and next review, and the filters fold away', async ({
  page,
}) => {
  await signIn(page, 'owner1@demo.test');
  await page.goto('/forums/demo');
  const table = page.getByRole('table', { name: 'Projects in Demo Leadership Review', exact: true });
  for (const name of [/^Project/, /^Health/, /^Oversight level/, /^Next review/])
    await expect(table.getByRole('columnheader', { name })).toBeVisible();
  for (const name of [/^Owner/, /^Last verdict/, /^Trend/, /^Goal progress/, /^Status age/])
    await expect(table.getByRole('columnheader', { name })).toBeHidden();
  const search = page.getByLabel('Search');
  await expect(search).toBeHidden();
  await page.getByText('Filters', { exact: true }).click();
  await expect(search).toBeVisible();
  await search.fill('Checkout');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(/q=Checkout/);
  // A filter that is on keeps the fold open.
  await expect(page.getByLabel('Search')).toHaveValue('Checkout');
  await expect(table.getByRole('row')).toHaveCount(2);
  await expectNoSidewaysScroll(page, '/forums/demo?q=Checkout');
});
