import { expect, expectNoAxeViolations, signIn, test } from './fixtures';

test('the chair hands a project to another owner and sees the restart explained in its history', async ({ page }) => {
  await signIn(page, 'chair@demo.test');
  await page.goto('/forums/demo?q=Onboarding');
  await page.getByRole('link', { name: 'Onboarding revamp' }).click();
  await page.getByRole('link', { name: 'Change owner' }).click();
  await expect(page.getByRole('heading', { name: 'Change the owner' })).toBeVisible();
  await expectNoAxeViolations(page);
  await page.getByLabel('New owner').selectOption({ label: 'Ava Chen (owner)' });
  await page.getByLabel('Note (optional)').fill('Dev moves to the platform team');
  await page.getByRole('button', { name: 'Change owner' }).click();
  await expect(page.getByText('Owner: Ava Chen')).toBeVisible();
  await expect(page.getByText(/Handed to Ava Chen: .*\(Dev moves to the platform team\)/).first()).toBeVisible();
});
