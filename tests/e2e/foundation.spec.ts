import { attemptSignIn, expect, expectNoAxeViolations, signIn, test } from './fixtures';

test('the demo chair signs in and sees the forum dashboard with projects at several oversight levels', async ({
  page,
}) => {
  await signIn(page, 'chair@demo.test');
  await expect(page.getByRole('heading', { name: 'Welcome, Morgan Hale' })).toBeVisible();
  await expectNoAxeViolations(page);
  await page.getByRole('link', { name: 'Demo Leadership Review' }).first().click();
  await expect(page).toHaveURL(/\/forums\/demo$/);
  await expect(page.getByRole('heading', { name: 'Demo Leadership Review' })).toBeVisible();
  const table = page.getByRole('table', { name: 'Projects in Demo Leadership Review', exact: true });
  await expect(table.getByRole('row')).toHaveCount(13);
  for (const level of ['Tight', 'Standard', 'Light', 'Trusted']) {
    await expect(table.getByRole('cell', { name: new RegExp(`^${level}`) }).first()).toBeVisible();
  }
  await expectNoAxeViolations(page);
});

test('a wrong password shows an error and sets no session', async ({ page, context }) => {
  await attemptSignIn(page, 'chair@demo.test', 'wrong-password');
  await expect(page.getByRole('alert')).toContainText('do not match');
  expect((await context.cookies()).filter((c) => c.name === 'if_session')).toHaveLength(0);
  await page.goto('/');
  await expect(page).toHaveURL(/\/login/);
});

test('a non-member gets 404 for a forum and its pages', async ({ page }) => {
  await signIn(page, 'outsider@demo.test');
  // An observer of the Platform Council only: signing in lands there (issue #20).
  await expect(page).toHaveURL(/\/forums\/platform$/);
  for (const path of ['/forums/demo', '/forums/demo/oversight', '/forums/demo/projects.csv']) {
    const response = await page.request.get(path);
    expect(response.status(), path).toBe(404);
  }
  const response = await page.goto('/forums/demo');
  expect(response?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'Not found' })).toBeVisible();
  await expectNoAxeViolations(page);
});

test('signing out ends the session', async ({ page }) => {
  await signIn(page, 'observer@demo.test');
  // A member of one forum lands on it (issue #20).
  await expect(page.getByRole('heading', { level: 1, name: 'Demo Leadership Review' })).toBeVisible();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login/);
  await page.goto('/forums/demo');
  await expect(page).toHaveURL(/\/login\?redirectTo=%2Fforums%2Fdemo/);
});
