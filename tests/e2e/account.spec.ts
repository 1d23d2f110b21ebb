import { expect, expectNoAxeViolations, signIn, test } from './fixtures';

test('an owner sees where they are signed in and signs out another session', async ({ page, browser }) => {
  const phone = await browser.newContext();
  const phonePage = await phone.newPage();
  await signIn(phonePage, 'owner4@demo.test');

  await signIn(page, 'owner4@demo.test');
  await page.getByRole('link', { name: 'Dev Patel' }).click();
  await expect(page.getByRole('heading', { name: 'My account' })).toBeVisible();
  const sessions = page.getByRole('table', { name: 'Your sessions' });
  await expect(sessions.getByText('(this session)')).toBeVisible();
  // Named by browser and system, not by the raw user-agent (Playwright's "Desktop Chrome" says Chrome on Windows).
  await expect(sessions.getByRole('row', { name: /this session/ })).toContainText('Chrome on Windows (this session)');
  await expect(sessions).not.toContainText('Mozilla/5.0');
  expect(await sessions.getByRole('row').count()).toBeGreaterThanOrEqual(3);
  await expectNoAxeViolations(page);

  await page.getByRole('button', { name: 'Sign out everywhere else' }).click();
  await expect(page.getByRole('status')).toContainText(/Signed out \d+ other session/);
  await expect(sessions.getByRole('row')).toHaveCount(2);

  await phonePage.goto('/forums/demo');
  await expect(phonePage).toHaveURL(/\/login/);
  await phone.close();
});

test('a weak new password is refused next to the field', async ({ page }) => {
  await signIn(page, 'owner4@demo.test');
  await page.goto('/account');
  await page.getByLabel('Current password').fill('inspection-demo');
  await page.getByLabel('New password', { exact: true }).fill('password1');
  await page.getByLabel('Repeat the new password').fill('password1');
  await page.getByRole('button', { name: 'Change password' }).click();
  const field = page.getByLabel('New password', { exact: true });
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByText('That password is too common')).toBeVisible();
});
