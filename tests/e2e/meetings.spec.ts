import fs from 'node:fs';
import type { Page } from '@playwright/test';
import { expect, expectNoAxeViolations, signIn, startMeeting, test } from './fixtures';

// The server's database is shared by every spec of a run. The full-meeting test runs the demo forum's coming
// meeting (all on-track verdicts, so other specs still find every level); the two-reviewer test after it runs the
// meeting after that one; the others work on any meeting state.

async function openMeetings(page: Page) {
  await page.goto('/forums/demo/meetings');
  await expect(page.getByRole('heading', { level: 1, name: 'Meetings' })).toBeVisible();
}

/** Closes the meeting through its confirmation; returns the level changes the confirmation announced. */
async function closeMeeting(page: Page): Promise<string[]> {
  await page.getByRole('button', { name: 'Close meeting' }).click();
  const summary = page.getByRole('region', { name: 'Closing will do this' });
  await expect(summary).toBeVisible();
  await expect(page.locator('.meeting-status')).toContainText('In progress');
  await expectNoAxeViolations(page);
  const announced = await summary.locator('.level-changes > li').allInnerTexts();
  await summary.getByRole('button', { name: 'Confirm and close' }).click();
  await expect(page.locator('.meeting-status')).toContainText('Closed');
  return announced;
}

test('the chair runs the coming meeting: start, verdicts, a pulled consent item, an action item, close, level changes', async ({
  page,
}) => {
  test.setTimeout(90_000); // two confirmations and their accessibility checks on a shared machine
  await signIn(page, 'chair@demo.test');
  await openMeetings(page);
  await expectNoAxeViolations(page);
  await page.getByRole('table', { name: 'Upcoming meetings' }).getByRole('link').first().click();
  await expect(page.getByRole('heading', { level: 1, name: /^Meeting of/ })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Exceptions' })).toBeVisible();
  await expectNoAxeViolations(page);

  await startMeeting(page, { axe: true });
  await page
    .getByRole('table', { name: 'Consent agenda' })
    .getByRole('row', { name: /Mobile app 3\.0/ })
    .getByRole('button', { name: /Pull/ })
    .click();
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
  await expect(items.last().getByRole('link', { name: 'Go to the end of the agenda' })).toHaveAttribute(
    'href',
    '#close-meeting',
  );

  const first = items.first();
  await first.getByLabel('New action item').fill('Share the corrective plan with the forum');
  await first.getByLabel('Due date').fill('2030-01-15');
  await first.getByRole('button', { name: 'Add action item' }).click();
  await expect(
    first.getByRole('listitem').filter({ hasText: 'Share the corrective plan with the forum' }),
  ).toContainText('due 15 Jan 2030');

  const announced = await closeMeeting(page);
  // What the confirmation announced is what the close did, each change explained.
  const changes = page.getByRole('region', { name: 'Level changes' });
  expect((await changes.locator('.level-changes > li').allInnerTexts()).sort()).toEqual(announced.sort());
  // Explained in plain words: no rule ids, no points.
  for (const line of announced) expect(line).not.toMatch(/points|tighten|hard_miss|spillover/);
  await expectNoAxeViolations(page);
});

test('two reviewers at once: an early start asks first, a colleague’s verdict shows by itself, a stale verdict conflicts, the close summarises, and the next statuses are due', async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const errors: string[] = [];
  const open = async (email: string) => {
    const context = await browser.newContext();
    const p = await context.newPage();
    p.on('pageerror', (err) => errors.push(`${email}: ${err.message}`));
    p.on('console', (msg) => {
      if (msg.type() === 'error' && !/status of (4\d\d)/.test(msg.text())) errors.push(`${email}: ${msg.text()}`);
    });
    await signIn(p, email);
    return { context, page: p };
  };
  const chair = await open('chair@demo.test');
  const leader = await open('leader@demo.test');

  // The forum's next meeting (the full-meeting test closed the one before): days away, so starting asks first.
  await openMeetings(chair.page);
  await chair.page.getByRole('table', { name: 'Upcoming meetings' }).getByRole('link').first().click();
  await expect(chair.page.locator('.meeting-status')).toContainText('Planned');
  expect(await startMeeting(chair.page, { axe: true })).toBe(true);

  await leader.page.goto(chair.page.url().replace(/#.*$/, ''));
  await expect(leader.page.locator('.meeting-status')).toContainText('In progress');
  const itemOn = (p: Page, n: number) => p.getByRole('article').nth(n);
  const first = (await itemOn(leader.page, 0).getByRole('heading', { level: 3 }).innerText()).replace(/^\d+\.\s*/, '');
  const second = (await itemOn(leader.page, 1).getByRole('heading', { level: 3 }).innerText()).replace(/^\d+\.\s*/, '');
  const item = (p: Page, name: string) =>
    p.getByRole('article').filter({ has: p.getByRole('heading', { level: 3, name: new RegExp(`\\d+\\. ${name}$`) }) });

  // The leader records a verdict; the chair's page, untouched, shows it within a few seconds without a reload.
  await item(leader.page, first).getByRole('radio', { name: 'At risk' }).check();
  await item(leader.page, first)
    .getByRole('textbox', { name: /^Feedback for/ })
    .fill('Leader: the hiring plan is slipping');
  await item(leader.page, first).getByRole('button', { name: 'Record verdict' }).click();
  await expect(leader.page.locator('.meeting-status')).toContainText('1 of');
  await expect(item(chair.page, first).locator('.recorded-verdict')).toContainText('by Priya Raman', {
    timeout: 20_000,
  });
  await expect(item(chair.page, first).locator('.recorded-verdict')).toContainText('At risk');

  // The chair starts typing on the second item (the page no longer refreshes under them); the leader saves first.
  await item(chair.page, second).getByRole('radio', { name: 'At risk' }).check();
  await item(chair.page, second)
    .getByRole('textbox', { name: /^Feedback for/ })
    .fill('Chair: needs a recovery plan');
  await item(leader.page, second).getByRole('radio', { name: 'On track' }).check();
  await item(leader.page, second)
    .getByRole('textbox', { name: /^Feedback for/ })
    .fill('Leader: fine this week');
  await item(leader.page, second).getByRole('button', { name: 'Record verdict' }).click();
  await expect(leader.page.locator('.meeting-status')).toContainText('2 of');
  await chair.page.waitForTimeout(5_000); // a refresh interval: the chair's edits must survive it
  await expect(item(chair.page, second).getByRole('textbox', { name: /^Feedback for/ })).toHaveValue(
    'Chair: needs a recovery plan',
  );
  await item(chair.page, second).getByRole('button', { name: 'Record verdict' }).click();
  const conflict = item(chair.page, second).getByRole('alert');
  await expect(conflict).toContainText('Priya Raman saved this verdict');
  await expect(conflict).toContainText('On track');
  await expect(conflict).toContainText('Leader: fine this week');
  await expect(item(chair.page, second).getByRole('textbox', { name: /^Feedback for/ })).toHaveValue(
    'Chair: needs a recovery plan',
  );
  await expect(item(chair.page, second).getByRole('radio', { name: 'At risk' })).toBeChecked();
  await expectNoAxeViolations(chair.page);

  // Closing asks first with its summary: the leader's two verdicts, no missed status (the deadline is days away).
  await chair.page.goto(chair.page.url().replace(/[?#].*$/, ''));
  await chair.page.getByRole('button', { name: 'Close meeting' }).click();
  const summary = chair.page.getByRole('region', { name: 'Closing will do this' });
  await expect(summary).toContainText('2 verdicts recorded');
  await expect(summary).toContainText('0 missed statuses');
  await expect(summary).toContainText('Not scored:');
  await expect(chair.page.locator('.meeting-status')).toContainText('In progress');
  await expectNoAxeViolations(chair.page);
  const announced = await summary.locator('.level-changes > li').allInnerTexts();
  await summary.getByRole('button', { name: 'Confirm and close' }).click();
  await expect(chair.page.locator('.meeting-status')).toContainText('Closed');
  expect(
    (
      await chair.page.getByRole('region', { name: 'Level changes' }).locator('.level-changes > li').allInnerTexts()
    ).sort(),
  ).toEqual(announced.sort());

  // Right after the close: the next cycle's statuses are due, not missing, on the dashboard and the next agenda.
  await chair.page.goto('/forums/demo');
  const table = chair.page.getByRole('table', { name: /^Projects in/ });
  await expect(table.locator('.badge', { hasText: /^due$/ }).first()).toBeVisible();
  await expect(table.locator('.badge', { hasText: /^missing$/ })).toHaveCount(0);
  const load = await chair.page.locator('.review-load .load').first().innerText();
  const [, discussed, everything] = /(\d+) of (\d+) projects/.exec(load) ?? [];
  expect(Number(discussed)).toBeLessThan(Number(everything));
  await openMeetings(chair.page);
  await chair.page.getByRole('table', { name: 'Upcoming meetings' }).getByRole('link').first().click();
  await expect(chair.page.locator('.meeting-status')).toContainText('Planned');
  await expect(chair.page.getByText('Status not posted for this meeting')).toHaveCount(0);

  await chair.context.close();
  await leader.context.close();
  expect(errors).toEqual([]);
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
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Minutes (Markdown)' }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^demo-minutes-\d{4}-\d{2}-\d{2}\.md$/);
  const text = fs.readFileSync((await download.path())!, 'utf8');
  expect(text).toMatch(/^# Demo Leadership Review: minutes of the meeting on /);
  expect(text).toContain('## Reviews');
  expect(text).toContain('## Level changes');
});

test('an owner reads a meeting but cannot run it: the controls are absent and a direct post is refused', async ({
  page,
}) => {
  await signIn(page, 'owner1@demo.test');
  await openMeetings(page);
  await page.getByRole('table', { name: 'Upcoming meetings' }).getByRole('link').first().click();
  await expect(page.getByRole('heading', { level: 1, name: /^Meeting of/ })).toBeVisible();
  await expect(page.getByRole('button', { name: /Start meeting|Record verdict|Close meeting/ })).toHaveCount(0);
  const response = await page.request.post(page.url().replace(/#.*$/, ''), { form: { intent: 'start' } });
  expect(response.status()).toBe(403);
});

test('an assignee sees open action items on their forum page and marks one done', async ({ page }) => {
  await signIn(page, 'owner2@demo.test');
  // A member of one forum lands on it, their action items under "My work".
  await expect(page).toHaveURL(/\/forums\/demo$/);
  const buttons = page.getByRole('table', { name: 'My open action items' }).getByRole('button', { name: /Mark done/ });
  await expect(buttons.first()).toBeVisible();
  const before = await buttons.count();
  await expectNoAxeViolations(page);
  await buttons.first().click();
  await expect(buttons).toHaveCount(before - 1);
});
