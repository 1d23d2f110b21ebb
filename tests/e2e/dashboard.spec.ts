import { expect, expectNoAxeViolations, signIn, test } from './fixtures';

test.describe('leader dashboard', () => {
  test('sorting, filtering and searching live in the URL, and Back restores the view', async ({ page }) => {
    await signIn(page, 'leader@demo.test');
    await page.goto('/forums/demo');
    const table = page.getByRole('table', { name: /Projects in/ });
    await page.getByRole('link', { name: /^Project/ }).click();
    await expect(page).toHaveURL(/sort=project&dir=asc/);
    await expect(page.getByRole('columnheader', { name: /Project/ })).toHaveAttribute('aria-sort', 'ascending');
    await expect(table.getByRole('row').nth(1)).toContainText('Checkout redesign');
    await page.getByRole('link', { name: /^Project/ }).click();
    await expect(page.getByRole('columnheader', { name: /Project/ })).toHaveAttribute('aria-sort', 'descending');
    await expect(table.getByRole('row').nth(1)).toContainText('SSO rollout');

    await page.getByLabel('Level').selectOption('trusted');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect(page).toHaveURL(/level=trusted/);
    await expect(page).toHaveURL(/sort=project&dir=desc/);
    const rows = table.getByRole('row');
    await expect(rows).toHaveCount(6);
    for (const cell of await table.getByRole('cell', { name: /Trusted|Light|Standard|Tight/ }).allTextContents())
      expect(cell).toBe('Trusted');

    await page.goBack();
    await expect(page).not.toHaveURL(/level=trusted/);
    await expect(rows).toHaveCount(13);

    await page.getByLabel('Search').fill('erin');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect(page).toHaveURL(/q=erin/);
    await expect(rows).toHaveCount(4);
    await expectNoAxeViolations(page);
  });

  test('the summary strip counts levels and the review load, and links to the due projects', async ({ page }) => {
    await signIn(page, 'chair@demo.test');
    await page.goto('/forums/demo');
    const strip = page.getByRole('region', { name: 'Summary' });
    await expect(strip).toContainText(/of 12 projects due/);
    const due = Number(/(\d+) of 12 projects due/.exec((await strip.textContent()) ?? '')?.[1]);
    // One number (decision 019): the review load expects as many reviews as the strip counts due.
    await expect(page.getByRole('region', { name: 'The time trust saves' })).toContainText(/everything every meeting/);
    await expect(page.getByRole('region', { name: 'The time trust saves' })).toContainText(`${due} of 12 projects`);
    await strip.getByRole('link', { name: /projects due/ }).click();
    await expect(page).toHaveURL(/due=1/);
    const cells = page.getByRole('table', { name: /Projects in/ }).getByRole('cell', { name: /^This meeting/ });
    const rows = page.getByRole('table', { name: /Projects in/ }).getByRole('row');
    await expect(rows).toHaveCount(due + 1);
    expect(await cells.count()).toBe((await rows.count()) - 1);

    // The coming meeting's agenda discusses exactly these projects.
    const names = (
      await page
        .getByRole('table', { name: /Projects in/ })
        .getByRole('row')
        .locator('td:first-child')
        .allTextContents()
    ).sort();
    await page.getByRole('navigation', { name: 'Forum' }).getByRole('link', { name: 'Meetings' }).click();
    await page.getByRole('table', { name: 'Upcoming meetings' }).getByRole('link').first().click();
    await expect(page.getByRole('heading', { level: 1, name: /^Meeting of/ })).toBeVisible();
    const discussed = (await page.locator('article.agenda-item h3').allTextContents()).map((t) =>
      t.replace(/^\d+\.\s*/, '').trim(),
    );
    expect(discussed.sort()).toEqual(names);
  });

  test('works without JavaScript: sort links and the filter form', async ({ browser }) => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await signIn(page, 'observer@demo.test');
    await page.goto('/forums/demo');
    await page.getByRole('link', { name: /^Owner/ }).click();
    await expect(page).toHaveURL(/sort=owner&dir=asc/);
    await expect(
      page
        .getByRole('table', { name: /Projects in/ })
        .getByRole('row')
        .nth(1),
    ).toContainText('Ava Chen');
    await page.getByLabel('Due this meeting').check();
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect(page).toHaveURL(/due=1/);
    await context.close();
  });

  test('exports the current view as CSV', async ({ page }) => {
    await signIn(page, 'chair@demo.test');
    await page.goto('/forums/demo?level=light');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Export CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('demo-projects.csv');
    const text = await (await download.createReadStream())
      .toArray()
      .then((chunks) => Buffer.concat(chunks).toString('utf8'));
    const lines = text.trim().split('\r\n');
    // Every text cell is quoted (CSV injection, issue #22).
    expect(lines[0]).toMatch(/^"Project","Owner","Health"/);
    expect(lines.length).toBe(4);
    expect(lines.slice(1).every((l) => l.includes(',"light",'))).toBe(true);
  });
});
