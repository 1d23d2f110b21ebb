import type { Page } from '@playwright/test';
import { expect, expectNoAxeViolations, signIn, test } from './fixtures';

// Issue #14: an instance admin creates a forum; its chair sets the schedule (previewing the dates first);
// the chair creates a project for an owner, which starts at its starting level with a kickoff, then archives
// and unarchives it. The demo chair is the demo's instance admin. The tests build on each other (serial).
test.describe.configure({ mode: 'serial' });

/** The forum page's table of projects (the member's own work above it lists some of them too). */
const portfolio = (page: Page) => page.getByRole('table', { name: /^Projects in / });
test('an admin creates a forum and sees it listed; a bad submission keeps what was typed', async ({ page }) => {
  await signIn(page, 'chair@demo.test');
  await page.goto('/admin/forums');
  await expect(page.getByRole('heading', { name: 'Forums', level: 1 })).toBeVisible();
  await expect(page.getByRole('cell', { name: 'Demo Leadership Review' })).toBeVisible();
  await expectNoAxeViolations(page);

  await page.getByLabel('Address').fill('ops-review');
  await page.getByLabel('Time zone').fill('Mars/Olympus');
  await page.getByRole('button', { name: 'Create forum' }).click();
  await expect(page.getByText('Enter a name')).toBeVisible();
  await expect(page.getByLabel('Name')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByLabel('Address')).toHaveValue('ops-review');
  await expect(page.getByLabel('Time zone')).toHaveValue('Mars/Olympus');
  await expectNoAxeViolations(page);

  await page.getByLabel('Name').fill('Ops Review');
  await page.getByLabel('How often it meets').selectOption('weekly');
  await page.getByLabel('Weekday').selectOption({ label: 'Tuesday' });
  await page.getByLabel('Time (24-hour, HH:MM)').fill('09:30');
  await page.getByLabel('Time zone').fill('Europe/London');
  await page.getByRole('button', { name: 'Create forum' }).click();
  await expect(page).toHaveURL(/\/forums\/ops-review$/);
  await expect(page.getByRole('heading', { name: 'Ops Review', level: 1 })).toBeVisible();

  await page.goto('/admin/forums');
  const row = page.getByRole('row', { name: /Ops Review/ });
  await expect(row).toContainText('/forums/ops-review');
  await expect(row.getByRole('cell').nth(2)).toHaveText('1'); // the admin, as its chair
});

test('the chair edits the schedule, previews the next four dates, and saves', async ({ page }) => {
  await signIn(page, 'chair@demo.test');
  await page.goto('/forums/ops-review');
  await page.getByRole('link', { name: 'Settings' }).click();
  await expect(page.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible();
  await expect(page.getByRole('link', { name: 'General & schedule' })).toHaveAttribute('aria-current', 'page');
  await expectNoAxeViolations(page);

  await page.getByLabel('How often it meets').selectOption('biweekly');
  await page.getByLabel('Weekday').selectOption({ label: 'Thursday' });
  await page.getByLabel('Time (24-hour, HH:MM)').fill('16:00');
  await page.getByRole('button', { name: /Preview the next 4 meetings/ }).click();
  const preview = page.getByRole('region', {
    name: 'With this schedule, the next meetings would be',
  });
  await expect(preview.getByRole('listitem')).toHaveCount(4);
  for (const item of await preview.getByRole('listitem').all()) await expect(item).toContainText(/^Thursday .* 16:00/);
  // Nothing is saved by a preview.
  await page.reload();
  await expect(page.getByLabel('Weekday')).toHaveValue('2');

  await page.getByLabel('How often it meets').selectOption('biweekly');
  await page.getByLabel('Weekday').selectOption({ label: 'Thursday' });
  await page.getByLabel('Time (24-hour, HH:MM)').fill('16:00');
  await page.getByRole('button', { name: 'Save schedule' }).click();
  await expect(page.getByText(/Schedule saved/)).toBeVisible();
  const next = page.getByRole('region', { name: 'The next meetings' });
  await expect(next.getByRole('listitem')).toHaveCount(4);
  for (const item of await next.getByRole('listitem').all()) await expect(item).toContainText(/^Thursday .* 16:00/);
  await page.goto('/forums/ops-review/meetings');
  await expect(page.getByRole('link', { name: /16:00/ }).first()).toBeVisible();
});

test('the schedule preview works without JavaScript', async ({ browser, baseURL }) => {
  const context = await browser.newContext({
    javaScriptEnabled: false,
    baseURL,
  });
  const page = await context.newPage();
  await signIn(page, 'chair@demo.test');
  await page.goto('/forums/ops-review/settings');
  await page.getByLabel('Time (24-hour, HH:MM)').fill('7pm');
  await page.getByRole('button', { name: /Preview the next 4 meetings/ }).click();
  await expect(page.getByText('Enter a time as HH:MM (24-hour)')).toBeVisible();
  await expect(page.getByLabel('Time (24-hour, HH:MM)')).toHaveValue('7pm');
  await page.getByLabel('Time (24-hour, HH:MM)').fill('08:45');
  await page.getByRole('button', { name: /Preview the next 4 meetings/ }).click();
  await expect(
    page
      .getByRole('region', {
        name: 'With this schedule, the next meetings would be',
      })
      .getByRole('listitem'),
  ).toHaveCount(4);
  await context.close();
});

test('the chair creates a project for an owner: starting level on the dashboard, kickoff on the next agenda; archive and unarchive', async ({
  page,
}) => {
  await signIn(page, 'chair@demo.test');
  await page.goto('/forums/platform');
  await page.getByRole('link', { name: 'New project' }).click();
  await expect(page.getByRole('heading', { name: 'New project' })).toBeVisible();
  await expectNoAxeViolations(page);
  await page.getByRole('button', { name: 'Create project' }).click();
  await expect(page.getByText('Enter a name')).toBeVisible();
  await expect(page.getByText('Choose the owner').last()).toBeVisible();

  await page.getByLabel('Name').fill('Cache layer');
  await page.getByLabel('Description (optional)').fill('A shared cache for the platform services.');
  await page.getByLabel('Owner').selectOption({ label: 'Dev Patel (owner4@demo.test)' });
  await page.getByRole('button', { name: 'Create project' }).click();
  await expect(page.getByRole('heading', { name: 'Cache layer' })).toBeVisible();
  await expect(page.getByText('Owner: Dev Patel')).toBeVisible();
  const level = (await page.locator('.oversight-summary .badge').first().textContent())?.trim();
  expect(['Tight', 'Standard', 'Light']).toContain(level);

  await page.goto('/forums/platform');
  const row = page.getByRole('row', { name: /Cache layer/ });
  await expect(row).toContainText(level!);
  await expect(row).toContainText('Not reviewed');

  await page.goto('/forums/platform/meetings');
  await page.getByRole('table').first().getByRole('link').first().click();
  await expect(page.getByText('Cache layer').first()).toBeVisible();
  await expect(page.getByText(/kickoff review/).first()).toBeVisible();

  await page.goto('/forums/platform');
  await portfolio(page).getByRole('link', { name: 'Cache layer' }).click();
  await page.getByRole('link', { name: 'Edit or archive' }).click();
  await expectNoAxeViolations(page);
  await page.getByRole('button', { name: 'Archive project' }).click();
  await expect(page.getByText(/^Archived\./)).toBeVisible();
  await expect(page.getByRole('link', { name: 'Post or edit status' })).toHaveCount(0);
  await page.goto('/forums/platform');
  await expect(portfolio(page).getByRole('link', { name: 'Service mesh' })).toBeVisible();
  await expect(portfolio(page).getByRole('link', { name: 'Cache layer' })).toHaveCount(0);

  await page.goBack();
  await page.getByRole('link', { name: 'Unarchive it' }).click();
  await page.getByRole('button', { name: 'Unarchive project' }).click();
  await expect(page.getByText(/^Archived\./)).toHaveCount(0);
  await page.goto('/forums/platform');
  await expect(portfolio(page).getByRole('link', { name: 'Cache layer' })).toBeVisible();
});
