import { expect, signIn, test } from './fixtures';

// Pages hand their data to the server render without a JSON round trip (app/utils/page-data.server.ts): the browser
// must render exactly what the server did. A mismatch shows as a React hydration error in the console.
test('the busiest pages hydrate without errors, and client navigation between them works', async ({ page }) => {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  await signIn(page, 'chair@demo.test');
  for (const path of [
    '/forums/demo',
    '/forums/demo?sort=progress&dir=desc',
    '/forums/demo/oversight',
    '/forums/demo/meetings',
  ]) {
    await page.goto(path);
    await page.waitForLoadState('networkidle');
  }
  // Meeting and project pages, reached the way a person does: by links (client-side navigation), then reloaded.
  for (const table of ['Upcoming meetings', 'Past meetings']) {
    await page.goto('/forums/demo/meetings');
    await page.getByRole('table', { name: table }).getByRole('link').first().click();
    await expect(page).toHaveURL(/\/meetings\/\d+/);
    await page.reload();
    await page.waitForLoadState('networkidle');
  }
  await page.goto('/forums/demo');
  await page.getByRole('link', { name: 'Checkout redesign', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Checkout redesign' })).toBeVisible();
  await page.reload();
  await page.waitForLoadState('networkidle');
  expect(errors).toEqual([]);
});

// Issue #21.6: an agenda of more than one page (10 discussed items) rendered "Items NaN–NaN" in the browser and failed
// to hydrate. The last coming meeting gets a paged agenda whatever the demo's statuses: the chair pulls consent items
// into discussion until a second page exists.
test('a paged meeting agenda hydrates and shows the same item range as the server', async ({ page }) => {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  await signIn(page, 'chair@demo.test');
  await page.goto('/forums/demo/meetings');
  await page.getByRole('table', { name: 'Upcoming meetings' }).getByRole('link').last().click();
  await expect(page).toHaveURL(/\/meetings\/\d+/);
  // The address changes before the meeting renders (a client navigation): wait for the page before counting on it.
  await expect(page.getByRole('heading', { level: 1, name: /^Meeting of/ })).toBeVisible();
  const meetingUrl = page.url().replace(/[?#].*$/, '');
  const pages = page.getByRole('navigation', { name: 'Agenda pages' });
  const pull = page.getByRole('table', { name: 'Consent agenda' }).getByRole('button', { name: /^Pull/ });
  while ((await pages.count()) === 0) {
    expect(await pull.count(), 'consent items left to pull').toBeGreaterThan(0);
    await pull.first().click();
    await page.waitForURL(/\?item=\d+/);
    await page.waitForLoadState('networkidle');
  }
  await page.goto(meetingUrl);
  await page.waitForLoadState('networkidle');
  await expect(page.getByText(/^Items 1–10 of \d+ to discuss\.$/)).toBeVisible();
  await pages.getByRole('link', { name: 'Next' }).click();
  await expect(page.getByText(/^Items 11–\d+ of \d+ to discuss\.$/)).toBeVisible();
  await page.reload();
  await page.waitForLoadState('networkidle');
  await expect(page.getByText(/^Items 11–\d+ of \d+ to discuss\.$/)).toBeVisible();
  await expect(page.getByText(/NaN/)).toHaveCount(0);
  expect(errors).toEqual([]);
});

// Links (app/components/ui/link.tsx, decision 025): once the page has hydrated, a plain click navigates inside the
// page (no document load), resolves relative paths as Remix does, and Back returns; a modified click is the browser's.
test('links navigate inside the hydrated page, relative ones included, and Back returns', async ({ page, context }) => {
  await signIn(page, 'leader@demo.test');
  await page.goto('/forums/demo');
  await page.waitForLoadState('networkidle');
  await page.evaluate(() => Object.assign(window, { sameDocument: true }));
  const sameDocument = () => page.evaluate(() => (window as Window & { sameDocument?: boolean }).sameDocument);

  await page.getByRole('link', { name: /^Owner/ }).click();
  await expect(page).toHaveURL(/\/forums\/demo\?sort=owner&dir=asc$/);
  await expect(page.getByRole('columnheader', { name: /Owner/ })).toHaveAttribute('aria-sort', 'ascending');
  await page.getByRole('link', { name: 'Checkout redesign', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Checkout redesign' })).toBeVisible();
  expect(await sameDocument()).toBe(true);
  await page.goBack();
  await expect(page).toHaveURL(/sort=owner&dir=asc$/);

  // The meetings list links each meeting by a relative path ("12" under /forums/demo/meetings).
  await page.getByRole('link', { name: 'Meetings', exact: true }).first().click();
  await expect(page).toHaveURL(/\/forums\/demo\/meetings$/);
  await page.getByRole('table', { name: 'Past meetings' }).getByRole('link').first().click();
  await expect(page).toHaveURL(/\/forums\/demo\/meetings\/\d+$/);
  expect(await sameDocument()).toBe(true);

  // Ctrl-click (a new tab) is left to the browser: this page stays where it is.
  const opened = context.waitForEvent('page');
  await page
    .getByRole('link', { name: 'Meetings', exact: true })
    .first()
    .click({ modifiers: ['Control'] });
  const tab = await opened;
  await expect(tab).toHaveURL(/\/forums\/demo\/meetings$/);
  await expect(page).toHaveURL(/\/forums\/demo\/meetings\/\d+$/);
});
