import { expect, expectNoAxeViolations, signIn, test } from './fixtures';

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  // Runs before the hand-over below, so Onboarding revamp still has its first owner; the refusal changes nothing.
  test('a refused owner change keeps the chosen owner and the typed note (a plain form post)', async ({ page }) => {
    await signIn(page, 'chair@demo.test');
    await page.goto('/forums/demo?q=Onboarding');
    await page.getByRole('link', { name: 'Onboarding revamp' }).first().click();
    await page.getByRole('link', { name: 'Change owner' }).click();
    const owner = page.getByLabel('New owner');
    const current = (await owner.locator('option:checked').textContent()) ?? '';
    // The current owner again: the service refuses, next to the field.
    await owner.selectOption({ label: current });
    await page.getByLabel('Note (optional)').fill('Kept after the refusal');
    await page.getByRole('button', { name: 'Change owner' }).click();

    await expect(owner).toHaveAttribute('aria-invalid', 'true');
    await expect(owner).toHaveAccessibleDescription(/already owns this project/);
    await expect(owner.locator('option:checked')).toHaveText(current);
    await expect(page.getByLabel('Note (optional)')).toHaveValue('Kept after the refusal');
  });
});

test('the chair hands a project to another owner and sees the restart explained in its history', async ({ page }) => {
  await signIn(page, 'chair@demo.test');
  await page.goto('/forums/demo?q=Onboarding');
  await page.getByRole('link', { name: 'Onboarding revamp' }).first().click();
  await page.getByRole('link', { name: 'Change owner' }).click();
  await expect(page.getByRole('heading', { name: 'Change the owner' })).toBeVisible();
  await expectNoAxeViolations(page);
  await page.getByLabel('New owner').selectOption({ label: 'Ava Chen (owner)' });
  await page.getByLabel('Note (optional)').fill('Dev moves to the platform team');
  await page.getByRole('button', { name: 'Change owner' }).click();
  await expect(page.getByText('Owner: Ava Chen')).toBeVisible();
  await expect(page.getByText(/Handed to Ava Chen: .*\(Dev moves to the platform team\)/).first()).toBeVisible();
});
