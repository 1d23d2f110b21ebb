import type { Page } from '@playwright/test';
import { expect, expectNoAxeViolations, signIn, startMeeting, test } from './fixtures';

// Issue #21.5, as a chair uses it: the action item form starts empty again after an add (with and without
// JavaScript), a second identical add is refused, a past due date is refused, and the chair edits, reassigns and
// deletes an item. Runs in the demo forum's coming meeting (started here if it is not yet).

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

async function openRunningMeeting(page: Page) {
  await signIn(page, 'chair@demo.test');
  await page.goto('/forums/demo/meetings');
  await page.getByRole('table', { name: 'Upcoming meetings' }).getByRole('link').first().click();
  await expect(page.getByRole('heading', { level: 1, name: /^Meeting of/ })).toBeVisible();
  if (await page.getByRole('button', { name: 'Start meeting' }).isVisible()) await startMeeting(page);
  await expect(page.locator('.meeting-status')).toContainText('In progress');
  return page.getByRole('article').first();
}

test('after an add the form is empty; the same item again and a past date are refused; the chair edits, reassigns and deletes', async ({
  page,
}) => {
  const item = await openRunningMeeting(page);
  const text = `Send the revised plan ${Date.now()}`;
  const due = inDays(14);
  await item.getByLabel('New action item').fill(text);
  await item.getByLabel('Due date').fill(due);
  await item.getByRole('button', { name: 'Add action item' }).click();
  const added = item.getByRole('listitem').filter({ hasText: text });
  await expect(added).toHaveCount(1);
  await expect(item.getByLabel('New action item')).toHaveValue('');
  await expect(item.getByLabel('Due date')).toHaveValue('');

  // A second click with the same item (typed again): refused, said why, nothing added.
  await item.getByLabel('New action item').fill(text);
  await item.getByLabel('Due date').fill(due);
  await item.getByRole('button', { name: 'Add action item' }).click();
  await expect(item.getByLabel('New action item')).toHaveAccessibleDescription(/added less than a minute ago/);
  await expect(item.getByLabel('New action item')).toHaveValue(text);
  await expect(added).toHaveCount(1);

  // A due date in the past.
  await item.getByLabel('New action item').fill(`${text} (again)`);
  await item.getByLabel('Due date').fill('2020-01-01');
  await item.getByRole('button', { name: 'Add action item' }).click();
  await expect(item.getByLabel('Due date')).toHaveAccessibleDescription(/Choose a due date from today/);
  await expectNoAxeViolations(page);

  // Edit and reassign it; a past date is refused there too.
  await added.getByRole('link', { name: /^Edit/ }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Action item' })).toBeVisible();
  await expectNoAxeViolations(page);
  await page.getByLabel('Action', { exact: true }).fill(`${text}, with dates`);
  await page.getByLabel('Assignee').selectOption({ label: 'Priya Raman' });
  await page.getByLabel('Due date').fill('2020-01-01');
  await page.getByRole('button', { name: 'Save action item' }).click();
  await expect(page.getByLabel('Due date')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByLabel('Action', { exact: true })).toHaveValue(`${text}, with dates`);
  await page.getByLabel('Due date').fill(inDays(21));
  await page.getByRole('button', { name: 'Save action item' }).click();
  await expect(page.getByRole('heading', { level: 1, name: /^Meeting of/ })).toBeVisible();
  const edited = page.getByRole('listitem').filter({ hasText: `${text}, with dates` });
  await expect(edited).toContainText('Priya Raman');

  // Delete it.
  await edited.getByRole('link', { name: /^Edit/ }).click();
  await page.getByRole('button', { name: 'Delete action item' }).click();
  await expect(page.getByRole('heading', { level: 1, name: /^Meeting of/ })).toBeVisible();
  await expect(page.getByRole('listitem').filter({ hasText: text })).toHaveCount(0);
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('after an add the form is empty again', async ({ page }) => {
    const item = await openRunningMeeting(page);
    const text = `Book the design review ${Date.now()}`;
    await item.getByLabel('New action item').fill(text);
    await item.getByLabel('Due date').fill(inDays(7));
    await item.getByRole('button', { name: 'Add action item' }).click();
    const again = page.getByRole('article').first();
    await expect(again.getByRole('listitem').filter({ hasText: text })).toHaveCount(1);
    await expect(again.getByLabel('New action item')).toHaveValue('');
    await expect(again.getByLabel('Due date')).toHaveValue('');
  });
});
