import ical, { type VEvent } from 'node-ical';
import { expect, expectNoAxeViolations, signIn, startMeeting, test } from './fixtures';

// Issue #16: the chair moves and skips meetings, records who attended and writes notes. All in a forum this spec
// creates (the demo forum's meetings are other specs' ground). The tests build on each other (serial).
test.describe.configure({ mode: 'serial', timeout: 90_000 });

const SLUG = 'lifecycle-review';

const nextDay = (date: string) => new Date(Date.parse(`${date}T12:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

test('the chair creates a forum to try meeting changes in', async ({ page }) => {
  await signIn(page, 'chair@demo.test');
  await page.goto('/admin/forums');
  await page.getByLabel('Name').fill('Lifecycle Review');
  await page.getByLabel('Address').fill(SLUG);
  await page.getByLabel('How often it meets').selectOption('weekly');
  await page.getByLabel('Weekday').selectOption({ label: 'Wednesday' });
  await page.getByLabel('Time (24-hour, HH:MM)').fill('10:00');
  await page.getByLabel('Time zone').fill('Europe/London');
  await page.getByRole('button', { name: 'Create forum' }).click();
  await expect(page).toHaveURL(new RegExp(`/forums/${SLUG}$`));
});

test('the chair moves a meeting: a day in the past is refused with what was typed kept, then the move shows', async ({
  page,
}) => {
  await signIn(page, 'chair@demo.test');
  await page.goto(`/forums/${SLUG}/meetings`);
  await page.getByRole('table', { name: 'Upcoming meetings' }).getByRole('link').first().click();
  const section = page.getByRole('region', { name: 'Move or skip this meeting' });
  await expect(section).toBeVisible();
  await expectNoAxeViolations(page);

  await section.getByLabel('New date').fill('2020-01-06');
  await section.getByLabel('New time').fill('11:30');
  await section.getByRole('button', { name: 'Move meeting' }).click();
  await expect(section.getByText('Choose a time that has not passed yet.')).toBeVisible();
  await expect(section.getByLabel('New date')).toHaveValue('2020-01-06');
  await expect(section.getByLabel('New date')).toHaveAttribute('aria-invalid', 'true');
  await expectNoAxeViolations(page);

  await page.reload();
  const current = await section.getByLabel('New date').inputValue();
  const target = nextDay(current);
  await section.getByLabel('New date').fill(target);
  await section.getByLabel('New time').fill('15:45');
  await section.getByRole('button', { name: 'Move meeting' }).click();
  const [y, m, d] = target.split('-').map(Number);
  const shown = new Intl.DateTimeFormat('en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(new Date(Date.UTC(y, m - 1, d)));
  await expect(page.getByRole('heading', { level: 1 })).toContainText(`Meeting of ${shown}, 15:45`);
  await expect(section.getByLabel('New date')).toHaveValue(target);
  await expect(section.getByLabel('New time')).toHaveValue('15:45');
});

test('the chair skips a meeting with a reason, without JavaScript; it shows as skipped in the list and the minutes', async ({
  browser,
  baseURL,
}) => {
  // Axe needs scripts: the pages are checked with JavaScript in the next test.
  const context = await browser.newContext({ javaScriptEnabled: false, baseURL });
  const page = await context.newPage();
  await signIn(page, 'chair@demo.test');
  await page.goto(`/forums/${SLUG}/meetings`);
  await page.getByRole('table', { name: 'Upcoming meetings' }).getByRole('link').nth(1).click();
  await page.waitForURL(/\/meetings\/\d+$/);
  const url = page.url();
  const section = page.getByRole('region', { name: 'Move or skip this meeting' });
  // Blank (spaces pass the browser's own check): the server asks for a reason.
  await section.getByLabel('Reason for skipping').fill('   ');
  await section.getByRole('button', { name: 'Skip meeting' }).click();
  await expect(section.getByText('Say why the meeting is skipped')).toBeVisible();
  await section.getByLabel('Reason for skipping').fill('Bank holiday');
  await section.getByRole('button', { name: 'Skip meeting' }).click();
  await expect(page).toHaveURL(url);
  await expect(page.getByText('Skipped — Bank holiday (by')).toBeVisible();
  await expect(page.getByRole('region', { name: 'Move or skip this meeting' })).toHaveCount(0);

  await page.goto(`/forums/${SLUG}/meetings`);
  const upcoming = page.getByRole('table', { name: 'Upcoming meetings' });
  await expect(upcoming.getByText('Skipped — Bank holiday')).toBeVisible();
  // The forum still has three meetings ahead that will be held.
  await expect(upcoming.getByText('Planned')).toHaveCount(3);

  const minutes = await page.request.get(`${url}/minutes.md`);
  expect(await minutes.text()).toContain('- State: Skipped — Bank holiday');
  await context.close();
});

test('skipped meetings read well: the meeting page and the list pass axe', async ({ page }) => {
  await signIn(page, 'chair@demo.test');
  await page.goto(`/forums/${SLUG}/meetings`);
  await expect(
    page.getByRole('table', { name: 'Upcoming meetings' }).getByText('Skipped — Bank holiday'),
  ).toBeVisible();
  await expectNoAxeViolations(page);
  await page.getByRole('table', { name: 'Upcoming meetings' }).getByRole('link').nth(1).click();
  await expect(page.getByText('Skipped — Bank holiday (by')).toBeVisible();
  await expectNoAxeViolations(page);
});

test('the chair records who attended (starting from who acted) and writes notes; both are in the minutes', async ({
  page,
}) => {
  await signIn(page, 'chair@demo.test');
  await page.goto(`/forums/${SLUG}/meetings`);
  await page.getByRole('table', { name: 'Upcoming meetings' }).getByRole('link').first().click();
  await page.waitForURL(/\/meetings\/\d+$/);
  const url = page.url();
  await startMeeting(page);
  const record = page.getByRole('region', { name: 'Attendance and notes' });
  // The chair started the meeting: the guess ticks them.
  const chair = record.getByRole('checkbox');
  await expect(record.getByRole('checkbox')).toHaveCount(1);
  await expect(chair).toBeChecked();
  await expect(record.getByText('Not recorded yet')).toBeVisible();
  await expectNoAxeViolations(page);
  await record.getByRole('button', { name: 'Save attendance' }).click();
  await expect(record.getByText('Not recorded yet')).toHaveCount(0);
  await expect(chair).toBeChecked();

  await record
    .getByLabel('Meeting notes (Markdown)')
    .fill('## Decisions\n\n- **Ship** the pilot\n- <script>window.pwned = 1</script>');
  await record.getByRole('button', { name: 'Save notes' }).click();
  const notes = record.locator('.meeting-notes');
  await expect(notes.getByRole('heading', { name: 'Decisions' })).toBeVisible();
  await expect(notes.locator('strong')).toHaveText('Ship');
  await expect(notes).toContainText('<script>window.pwned = 1</script>');
  expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
  await expectNoAxeViolations(page);

  const minutes = await (await page.request.get(`${url}/minutes.md`)).text();
  expect(minutes).toMatch(/- Attendees: \S/);
  expect(minutes).toContain('## Notes\n\n## Decisions\n\n- **Ship** the pilot');
});

test('a member makes a calendar link a calendar app can read without signing in; a new link ends the old one', async ({
  page,
  playwright,
  baseURL,
}) => {
  await signIn(page, 'chair@demo.test');
  await page.goto('/account');
  const section = page.getByRole('region', { name: 'Calendar subscription' });
  await expect(section.getByText('You have no calendar link.')).toBeVisible();
  await section.getByRole('button', { name: 'Make a calendar link' }).click();
  const field = section.getByLabel(/Your calendar link/);
  await expect(field).toHaveValue(/\/calendar\/[A-Za-z0-9_-]{43}\.ics$/);
  const first = await field.inputValue();
  await expectNoAxeViolations(page);

  // A calendar app: no cookie.
  const app = await playwright.request.newContext({ baseURL });
  const path = (url: string) => new URL(url).pathname;
  const feed = await app.get(path(first));
  expect(feed.status()).toBe(200);
  const parsed = Object.values(ical.sync.parseICS(await feed.text())).filter((c): c is VEvent => c.type === 'VEVENT');
  const skipped = parsed.find((e) => e.status === 'CANCELLED');
  expect(String(skipped?.description)).toContain('Skipped — Bank holiday');
  expect(parsed.some((e) => String(e.summary).startsWith('Demo Leadership Review'))).toBe(true);

  await section.getByRole('button', { name: 'Make a new calendar link' }).click();
  await expect(field).not.toHaveValue(first);
  const second = await field.inputValue();
  expect((await app.get(path(first))).status()).toBe(404);
  expect((await app.get(path(second))).status()).toBe(200);

  await page.goto('/account');
  await expect(section.getByText(/You have a calendar link, made/)).toBeVisible();
  await section.getByRole('button', { name: 'Turn off the calendar link' }).click();
  await expect(page.getByRole('status')).toContainText('Calendar link turned off');
  expect((await app.get(path(second))).status()).toBe(404);
  await app.dispose();
});
