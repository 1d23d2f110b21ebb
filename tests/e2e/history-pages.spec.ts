import { expect, expectNoAxeViolations, signIn, test } from './fixtures';

// A project's history (26 weeks in the demo) comes a page at a time, the page in the URL: with the keyboard,
// with and without JavaScript.

for (const javaScriptEnabled of [true, false]) {
  test.describe(javaScriptEnabled ? 'with JavaScript' : 'without JavaScript', () => {
    test.use({ javaScriptEnabled });

    test('a leader pages through a project’s status updates, reviews and oversight events', async ({ page }) => {
      await signIn(page, 'leader@demo.test');
      await page.goto('/forums/demo');
      await page.getByRole('link', { name: 'Checkout redesign', exact: true }).click();
      await expect(page.getByRole('heading', { level: 1, name: 'Checkout redesign' })).toBeVisible();

      const updates = page.getByRole('navigation', { name: 'Status update pages' });
      await expect(updates).toContainText(/Page 1 of [2-9]/);
      const newest = await page.locator('.timeline > li summary').first().textContent();
      // Keyboard: focus the pager's Next link and press Enter.
      await updates.getByRole('link', { name: 'Next' }).focus();
      await page.keyboard.press('Enter');
      await expect(updates).toContainText(/Page 2 of/);
      await expect(page).toHaveURL(/[?&]updates=2/);
      await expect(page.locator('.timeline > li summary').first()).not.toHaveText(newest ?? '');

      // The oversight history shows the level changes; every event (26 weeks of them) on request.
      await page.getByRole('link', { name: /^Show all \d+ events$/ }).click();
      await expect(page).toHaveURL(/[?&]events=all/);
      const events = page.getByRole('navigation', { name: 'Oversight event pages' });
      await events.getByRole('link', { name: 'Next' }).click();
      await expect(events).toContainText(/Page 2 of/);
      await expect(page).toHaveURL(/[?&]history=2/);
      // Both pages stay in the URL: the status updates are still on their second page.
      await expect(updates).toContainText(/Page 2 of/);
      if (javaScriptEnabled) await expectNoAxeViolations(page); // axe runs as a script in the page

      await events.getByRole('link', { name: 'Previous' }).click();
      await expect(events).toContainText(/Page 1 of/);
    });
  });
}
