import fs from 'node:fs';
import type { Page } from '@playwright/test';
import { expect, expectNoAxeViolations, signIn, test } from './fixtures';

// The server's database is shared by every spec of a run. The full-meeting test runs the demo forum's coming
// meeting (all on-track verdicts, so other specs still find every level); the others work on any meeting state.

async function openMeetings(page: Page) {
  await page.goto('/forums/demo/meetings');
  await expect(page.getByRole('heading', { level: 1, name: 'Meetings' })).toBeVisible();
}

test('the chair runs the coming meeting: start, verdicts, a pulled consent item, an action item, close, level changes', async ({ page }) => {
  // A whole meeting walked in the browser: dozens of page loads and accessibility scans on a shared machine.
  test.setTimeout(90_000);
  await signIn(page, 'chair@demo.test');
  await openMeetings(page);
  await expectNoAxeViolations(page);
  await page.getByRole('table', { name: 'Upcoming meetings' }).getByRole('link').first().click();
  await expect(page.getByRole('heading', { level: 1, name: /^Meeting of/ })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Exceptions' })).toBeVisible();
  await expect(page.getByRole('article').filter({ hasText: 'Reporting API' })).toContainText('Status not posted for this meeting');
  await expectNoAxeViolations(page);

  await page.getByRole('button', { name: 'Start meeting' }).click();
  await expect(page.locator('.meeting-status')).toContainText('In progress');
  await page.getByRole('table', { name: 'Consent agenda' }).getByRole('row', { name: /Mobile app 3\.0/ }).getByRole('button', { name: /Pull/ }).click();
  const pulled = page.getByRole('article').filter({ has: page.getByRole('heading', { name: /Mobile app 3\.0/ }) });
  await expect(pulled).toContainText('Pulled from the consent agenda');
  await expectNoAxeViolations(page);

  const items = page.getByRole('article');
  const total = await items.count();
  expect(total).toBeGreaterThanOrEqual(5);
  for (let i = 0; i < total; i++) {
    const item = items.nth(i);
    await item.getByRole('radio', { name: 'On track' }).check();
    await item.getByRole('textbox', { name: /^Feedback for/ }).fill(`Reviewed in the e2e run (${i + 1})`);
    await item.getByRole('button', { name: 'Record verdict' }).click();
    await expect(page.locator('.meeting-status')).toContainText(`${i + 1} of ${total} reviewed`);
  }
  // After the last verdict the item stays in view, saved, and its link goes on to the close section.
  await expect(items.last().locator('.saved-note')).toContainText('Verdict saved.');
  await expect(items.last().getByRole('link', { name: 'Go to the end of the agenda' })).toHaveAttribute('href', '#close-meeting');

  const first = items.first();
  await first.getByLabel('New action item').fill('Share the corrective plan with the forum');
  await first.getByLabel('Due date').fill('2030-01-15');
  await first.getByRole('button', { name: 'Add action item' }).click();
  await expect(first.getByRole('listitem').filter({ hasText: 'Share the corrective plan with the forum' })).toContainText('due 15 Jan 2030');

  await page.getByRole('button', { name: 'Close meeting' }).click();
  await expect(page.locator('.meeting-status')).toContainText('Closed');
  const changes = page.getByRole('region', { name: 'Level changes' });
  // The two projects without a status this cycle reach 2 misses and drop a level, explained in plain words.
  const missed = changes.getByRole('listitem').filter({ hasText: /Hiring pipeline|Reporting API/ }).first();
  await expect(missed).toContainText(/(Light → Standard|Standard → Tight): 2 misses in the last 5 reviews \(limit 2\); latest: status not posted/);
  await expectNoAxeViolations(page);
});

test('the calendar feed is iCalendar with an event per meeting', async ({ page }) => {
  await signIn(page, 'observer@demo.test');
  const response = await page.request.get('/forums/demo/meetings.ics');
  expect(response.status()).toBe(200);
  expect(response.headers()['content-type']).toBe('text/calendar; charset=utf-8');
  const ics = await response.text();
  expect(ics.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
  expect(ics.trimEnd().endsWith('END:VCALENDAR')).toBe(true);
  expect(ics.match(/\r\nBEGIN:VEVENT\r\n/g)?.length).toBeGreaterThan(3);
  expect(ics).toMatch(/\r\nDTSTART:\d{8}T\d{6}Z\r\n/);
});

test('minutes download as Markdown from a past meeting', async ({ page }) => {
  await signIn(page, 'leader@demo.test');
  await openMeetings(page);
  await page.getByRole('table', { name: 'Past meetings' }).getByRole('link').first().click();
  await expect(page.getByRole('heading', { level: 1, name: /^Meeting of/ })).toBeVisible();
  await expectNoAxeViolations(page);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Minutes (Markdown)' }).click()]);
  expect(download.suggestedFilename()).toMatch(/^demo-minutes-\d{4}-\d{2}-\d{2}\.md$/);
  const text = fs.readFileSync((await download.path())!, 'utf8');
  expect(text).toMatch(/^# Demo Leadership Review: minutes of the meeting on /);
  expect(text).toContain('## Reviews');
  expect(text).toContain('## Level changes');
});

test('an owner reads a meeting but cannot run it: the controls are absent and a direct post is refused', async ({ page }) => {
  await signIn(page, 'owner1@demo.test');
  await openMeetings(page);
  await page.getByRole('table', { name: 'Upcoming meetings' }).getByRole('link').first().click();
  await expect(page.getByRole('heading', { level: 1, name: /^Meeting of/ })).toBeVisible();
  await expect(page.getByRole('button', { name: /Start meeting|Record verdict|Close meeting/ })).toHaveCount(0);
  const response = await page.request.post(page.url().replace(/#.*$/, ''), { form: { intent: 'start' } });
  expect(response.status()).toBe(403);
});

test('an assignee sees open action items on the home page and marks one done', async ({ page }) => {
  await signIn(page, 'owner2@demo.test');
  const buttons = page.getByRole('table', { name: 'My open action items' }).getByRole('button', { name: /Mark done/ });
  await expect(buttons.first()).toBeVisible();
  const before = await buttons.count();
  await expectNoAxeViolations(page);
  await buttons.first().click();
  await expect(buttons).toHaveCount(before - 1);
});
