import { expect, expectNoAxeViolations, signIn, test } from './fixtures';

// Issue #16 item 4: each member turns each kind of email off on /account (a plain form), and the forum's chair
// sets how long before the status deadline owners are reminded.

test('a member turns a kind of email off and on again on their account page', async ({ page }) => {
  await signIn(page, 'owner5@demo.test'); // no other spec signs in as this owner
  await page.goto('/account');
  const emails = page.getByRole('region', { name: 'Emails' });
  const agenda = emails.getByRole('checkbox', { name: 'The agenda, when the status deadline passes' });
  await expect(agenda).toBeChecked();
  await expect(emails.getByRole('checkbox')).toHaveCount(6);
  await expectNoAxeViolations(page);

  await agenda.uncheck();
  await emails.getByRole('button', { name: 'Save email choices' }).click();
  await expect(page.getByRole('status')).toContainText('Email choices saved.');
  await page.reload();
  await expect(
    page
      .getByRole('region', { name: 'Emails' })
      .getByRole('checkbox', { name: 'The agenda, when the status deadline passes' }),
  ).not.toBeChecked();
  await expect(
    page.getByRole('region', { name: 'Emails' }).getByRole('checkbox', { name: 'An action item is assigned to me' }),
  ).toBeChecked();

  // With the keyboard: focus the box, Space, then submit.
  const box = page
    .getByRole('region', { name: 'Emails' })
    .getByRole('checkbox', { name: 'The agenda, when the status deadline passes' });
  await box.focus();
  await page.keyboard.press('Space');
  await expect(box).toBeChecked();
  await page.getByRole('region', { name: 'Emails' }).getByRole('button', { name: 'Save email choices' }).press('Enter');
  await expect(page.getByRole('status')).toContainText('Email choices saved.');
  await page.reload();
  await expect(
    page
      .getByRole('region', { name: 'Emails' })
      .getByRole('checkbox', { name: 'The agenda, when the status deadline passes' }),
  ).toBeChecked();
});

test('the chair sees the reminder lead time in the forum’s schedule settings (24 hours by default)', async ({
  page,
}) => {
  await signIn(page, 'chair@demo.test');
  await page.goto('/forums/demo/settings');
  await expect(page.getByLabel('Remind owners of a missing status (hours before the deadline)')).toHaveValue('24');
});
