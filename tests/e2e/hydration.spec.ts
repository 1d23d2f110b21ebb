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
  for (const path of ['/forums/demo', '/forums/demo?sort=progress&dir=desc', '/forums/demo/oversight', '/forums/demo/meetings']) {
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
