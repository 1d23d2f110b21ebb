import { expect, expectNoAxeViolations, signIn, test } from './fixtures';

// Issue #20.3: the project page reads top-down, and its next review is the dashboard's (decision 019).
// Reads only: the demo forum is left as it is.

test('a leader reads a project top-down: this cycle, goals, level and next review, then the histories', async ({
  page,
}) => {
  await signIn(page, 'leader@demo.test');
  await page.goto('/forums/demo');
  const dashboardRow = page.getByRole('table', { name: /Projects in/ }).getByRole('row', { name: /Hiring pipeline/ });
  const nextOnDashboard = (await dashboardRow.getByRole('cell').nth(7).textContent())?.trim() ?? '';
  expect(nextOnDashboard).not.toBe('');

  await page.getByRole('link', { name: 'Hiring pipeline', exact: true }).first().click();
  await expect(page.getByRole('heading', { level: 1, name: 'Hiring pipeline' })).toBeVisible();
  // The sections in reading order.
  await expect(page.getByRole('heading', { level: 2 })).toHaveText([
    'This cycle’s status',
    'Goals',
    'Oversight',
    'Status history',
    'Reviews',
    'Action items',
    'Oversight history',
  ]);
  // The next review says what the dashboard says, with why.
  const oversight = page.getByRole('region', { name: 'Oversight', exact: true });
  await expect(oversight.locator('.next-review')).toContainText(nextOnDashboard);
  await expect(oversight).toContainText(/toward|loosest|Tight/);

  // The status history is one line per status; a line opens to the full text (keyboard).
  const timeline = page.locator('.timeline > li');
  await expect(timeline).toHaveCount(10);
  await expect(timeline.first().locator('.timeline-body')).toBeHidden();
  await timeline.first().locator('summary').focus();
  await page.keyboard.press('Enter');
  await expect(timeline.first().locator('.timeline-body')).toBeVisible();

  // The oversight history shows level changes by default, newest first; every event on request, each rule in
  // plain words (no engine codes such as hold or spillover).
  const changes = page.getByRole('table', { name: 'Oversight level changes' });
  await expect(changes).toBeVisible();
  await page.getByRole('link', { name: /^Show all \d+ events$/ }).click();
  const events = page.getByRole('table', { name: 'Oversight events' });
  await expect(events).toBeVisible();
  const rules = await events.getByRole('row').locator('td:nth-child(3)').allTextContents();
  expect(rules.length).toBeGreaterThan(0);
  for (const rule of rules) expect(rule).not.toMatch(/^[a-z_]+$/);
  const times = (await events.getByRole('row').locator('td:nth-child(1)').allTextContents()).map((t) =>
    Date.parse(t.replace(/,/, '').replace(/ [A-Z]{2,5}$/, ' UTC')),
  );
  expect(times.every((t) => !Number.isNaN(t))).toBe(true);
  expect(times).toEqual([...times].sort((a, b) => b - a));
  await expectNoAxeViolations(page);
});
