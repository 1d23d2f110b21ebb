import { expect, expectNoAxeViolations, signIn, test } from './fixtures';

test('the demo chair sees every project’s oversight level, progress, calibration and the owners’ records', async ({
  page,
}) => {
  await signIn(page, 'chair@demo.test');
  await page.goto('/forums/demo');
  await page.getByRole('navigation', { name: 'Forum' }).getByRole('link', { name: 'Oversight' }).click();
  await expect(page.getByRole('heading', { name: /^Oversight/ })).toBeVisible();
  const projects = page.getByRole('table', { name: 'Oversight level of every project' });
  const warehouse = projects.getByRole('row', { name: /Data warehouse migration/ });
  await expect(warehouse).toContainText('escalated');
  await expect(warehouse).toContainText(/Escalated: stays Tight/);
  await expect(projects.getByRole('row', { name: /Checkout redesign/ })).toContainText('Trusted: the loosest level');
  await expect(projects.getByRole('row', { name: /Fraud rules v2/ })).toContainText(
    /\d of 4 on-track reviews toward Trusted/,
  );
  const owners = page.getByRole('table', { name: /Each owner's record/ });
  await expect(owners.getByRole('row')).toHaveCount(6);
  await expect(owners.getByRole('row', { name: /Erin Walsh/ })).toContainText(/[1-9] hard miss/);
  await expectNoAxeViolations(page);
});
