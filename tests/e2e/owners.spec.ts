import type { Page } from '@playwright/test';
import { expect, expectNoAxeViolations, signIn, test } from './fixtures';

// The server and its database are shared by every test of a run: each test finds its project through the
// dashboard and works whatever an earlier test left behind (a status may already exist; then the form edits it).

async function openProject(page: Page, name: string) {
  await page.goto('/forums/demo');
  // An owner's own projects are listed twice: under "My work" first, then in the portfolio.
  await page.getByRole('link', { name, exact: true }).first().click();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  return page.url();
}

const submitStatus = (page: Page) => page.getByRole('button', { name: /Post status|Save changes/ }).click();

test('an owner sees the status due on home, posts it with goal values and finds it on the project page', async ({
  page,
}) => {
  await signIn(page, 'owner2@demo.test');
  await expect(page).toHaveURL(/\/(forums\/demo)?$/); // their home, or their only forum
  await expectNoAxeViolations(page);

  const projectUrl = await openProject(page, 'Reporting API');
  await page.getByRole('link', { name: 'Post or edit status' }).click();
  await expect(page.getByRole('heading', { name: 'Status update' })).toBeVisible();
  // One line says why to flag trouble early, in the forum's policy numbers (the defaults: 1 and 2 points).
  await expect(page.getByRole('group', { name: 'Health' })).toHaveAccessibleDescription(
    /Flagging trouble early costs far less trust than a surprise: at risk, flagged by you, costs nothing; off track, said by you, 1 point; .* 2 points\./,
  );
  await expectNoAxeViolations(page);

  const summary = `Latency work on track ${Date.now()}`;
  await page.getByRole('radio', { name: 'At risk' }).check();
  await page.getByLabel('Note on p95 latency (optional)').fill('Query cache enabled');
  await page.getByRole('checkbox', { name: /API v1 GA/ }).check();
  await page.getByLabel('Summary').fill(`${summary}: **cache** shipped, <script>alert(1)</script>`);
  await page.getByLabel('Risks (optional)').fill('- Vendor SDK upgrade\n- [runbook](javascript:alert(1))');
  // First without the metric's value: the error appears next to it, the rest stays.
  await page.getByLabel('p95 latency (ms)').fill('');
  await submitStatus(page);
  await expect(page.getByLabel('p95 latency (ms)')).toHaveAccessibleDescription(/Enter a number/);
  await expectNoAxeViolations(page);
  await page.getByLabel('p95 latency (ms)').fill('640');
  await submitStatus(page);

  await expect(page).toHaveURL(new RegExp(`${new URL(projectUrl).pathname}#status-\\d+$`));
  // The page opens with this cycle's status.
  const latest = page.getByRole('region', { name: 'This cycle’s status' });
  await expect(latest).toContainText(summary);
  await expect(latest.locator('strong', { hasText: 'cache' })).toBeVisible();
  await expect(latest).toContainText('<script>alert(1)</script>');
  await expect(latest.getByRole('link', { name: 'runbook' })).toHaveCount(0);
  await expect(latest).toContainText('At risk');
  const goal = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: /p95 latency/ }) });
  await expect(goal).toContainText('Latest 640 ms');
  await expect(goal.getByRole('img', { name: 'p95 latency: values against target' })).toHaveAccessibleDescription(
    /latest 640 ms, baseline 1,200 ms, target 300 ms/,
  );
  // The oversight history shows level changes; all events on request, the status newest.
  await page.getByRole('link', { name: /^Show all \d+ events$/ }).click();
  await expect(page.getByRole('table', { name: 'Oversight events' }).getByRole('row').nth(1)).toContainText(
    'status posted, at risk',
  );
  await expectNoAxeViolations(page);

  await page.goto('/');
  await expect(page.getByRole('link', { name: 'Post status for Reporting API' })).toHaveCount(0);
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('an invalid goal value shows a field error next to the field and keeps the rest of the form (a plain form post)', async ({
    page,
  }) => {
    await signIn(page, 'owner2@demo.test');
    await expect(page).toHaveURL(/\/(forums\/demo)?$/); // their home, or their only forum
    const projectUrl = await openProject(page, 'Reporting API');
    await page.goto(`${new URL(projectUrl).pathname}/status`);

    await page.getByRole('radio', { name: 'Off track' }).check();
    await page.getByLabel('p95 latency (ms)').fill('fast');
    await page.getByLabel('Summary').fill('Kept after the error');
    await page.getByLabel('Asks for help (optional)').fill('Need a decision');
    await submitStatus(page);

    const value = page.getByLabel('p95 latency (ms)');
    await expect(page.getByRole('alert')).toBeVisible();
    await expect(value).toHaveAttribute('aria-invalid', 'true');
    await expect(value).toHaveAccessibleDescription(/Enter a number/);
    await expect(value).toHaveValue('fast');
    await expect(page.getByLabel('Summary')).toHaveValue('Kept after the error');
    await expect(page.getByLabel('Asks for help (optional)')).toHaveValue('Need a decision');
    await expect(page.getByRole('radio', { name: 'Off track' })).toBeChecked();
  });
});

test('another owner can read the project but cannot post its status (403)', async ({ page }) => {
  await signIn(page, 'owner1@demo.test');
  await expect(page).toHaveURL(/\/(forums\/demo)?$/); // their home, or their only forum
  const projectUrl = await openProject(page, 'Reporting API');
  await expect(page.getByRole('link', { name: 'Post or edit status' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Override level' })).toHaveCount(0);

  const statusPath = `${new URL(projectUrl).pathname}/status`;
  const response = await page.goto(statusPath);
  expect(response?.status()).toBe(403);
  await expect(page.getByRole('heading', { name: 'You do not have access to this' })).toBeVisible();
  const post = await page.request.post(statusPath, { form: { version: '0', health: 'on_track', summary: 'Not mine' } });
  expect(post.status()).toBe(403);
});

test('a leader overrides a level: a blank reason is refused, a reason records the explained transition', async ({
  page,
}) => {
  await signIn(page, 'leader@demo.test');
  await expect(page).toHaveURL(/\/(forums\/demo)?$/); // their home, or their only forum
  await openProject(page, 'Cost reduction');
  await expect(page.getByRole('img', { name: 'Oversight level over time' })).toBeVisible();

  // Keyboard only: open the disclosure, pick the level, submit.
  await page.getByText('Override the level').focus();
  await page.keyboard.press('Enter');
  await page.getByLabel('New level').selectOption('tight');
  await page.getByRole('button', { name: 'Override level' }).press('Enter');
  const reason = page.getByLabel('Reason');
  await expect(reason).toHaveAttribute('aria-invalid', 'true');
  await expect(reason).toHaveAccessibleDescription(/Give a reason/);
  await expectNoAxeViolations(page);

  const text = `Corrective plan agreed ${Date.now()}`;
  await reason.fill(text);
  await page.getByRole('button', { name: 'Override level' }).click();
  // An override is shown among the level changes (the default view), newest first.
  const newest = page.getByRole('table', { name: 'Oversight level changes' }).getByRole('row').nth(1);
  await expect(newest).toContainText(text);
  await expect(newest).toContainText('Priya Raman');
  await expect(newest.getByRole('cell').nth(1)).toContainText(/→ Tight|Stays Tight/);
  await expect(page.locator('.oversight-summary')).toContainText('Tight');

  await expect(newest).toContainText('Changed by a leader');
  await page.getByRole('link', { name: /^Show all \d+ events$/ }).click();
  await expect(page.getByRole('table', { name: 'Oversight events' })).toBeVisible();
  await page.getByRole('link', { name: 'Show level changes only' }).click();
  await expect(page.getByRole('table', { name: 'Oversight level changes' })).toBeVisible();
  await expectNoAxeViolations(page);
});

test('an owner changes a goal’s target and the change shows in its history and on the project page', async ({
  page,
}) => {
  await signIn(page, 'owner1@demo.test');
  await expect(page).toHaveURL(/\/(forums\/demo)?$/); // their home, or their only forum
  const projectUrl = await openProject(page, 'Fraud rules v2');
  await page.getByRole('link', { name: 'Edit goals' }).click();
  await expect(page.getByRole('heading', { name: 'Goals' })).toBeVisible();
  await expectNoAxeViolations(page);
  await page.getByRole('link', { name: 'Chargebacks per 10k orders' }).click();
  // The goals page has a Target field too (the new-goal form): read the value once the goal's page is shown.
  await expect(page.getByRole('heading', { level: 1, name: 'Edit goal: Chargebacks per 10k orders' })).toBeVisible();
  const target = page.getByLabel('Target', { exact: true });
  const before = await target.inputValue();
  const after = String(Number(before) - 0.5);
  await target.fill(after);
  await page.getByRole('button', { name: 'Save goal' }).click();
  await expect(page.getByRole('heading', { name: 'Goals' })).toBeVisible();

  await page.getByRole('link', { name: 'Chargebacks per 10k orders' }).click();
  await expect(page.getByRole('table', { name: /Changes to/ })).toContainText(`Target ${before} → ${after}`);
  await expectNoAxeViolations(page);
  await page.goto(projectUrl);
  await page
    .getByText(/Changes to this goal/)
    .first()
    .click();
  await expect(page.getByText(`Target ${before} → ${after}`)).toBeVisible();
});
