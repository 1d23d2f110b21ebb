import { expect, expectNoAxeViolations, signIn, test } from './fixtures';

// Each role's home is their work (issue #20). Read-only on the demo forum: nothing here posts, starts or moves.

const DATE = /\d{1,2} [A-Z][a-z]{2,3} \d{4}/;

test('an owner lands on their projects: level, next review, this cycle’s status and a button to post or edit it', async ({
  page,
}) => {
  await signIn(page, 'owner1@demo.test');
  // A member of one forum lands on its work at once.
  await expect(page).toHaveURL(/\/$/);
  const forum = page.getByRole('region', { name: /Demo Leadership Review/ });
  await expect(forum.getByRole('heading', { name: 'My projects' })).toBeVisible();
  const table = forum.getByRole('table', { name: 'My projects in Demo Leadership Review' });
  await expect(table.getByRole('columnheader')).toHaveText([
    'Project',
    'Level',
    'Next review',
    'This cycle’s status',
    'Status',
  ]);
  for (const name of ['Checkout redesign', 'Fraud rules v2', 'Payments reliability']) {
    const row = table.getByRole('row').filter({ has: page.getByRole('link', { name, exact: true }) });
    await expect(row.getByRole('cell').nth(1)).toHaveText(/^(Tight|Standard|Light|Trusted)/);
    await expect(row.getByRole('cell').nth(2)).toHaveText(DATE);
    await expect(row.getByRole('cell').nth(3)).toHaveText(
      /^(Posted (On track|At risk|Off track)|Due by .*UTC|Overdue.*|Not posted.*)/,
    );
    await expect(row.getByRole('link', { name: new RegExp(`^(Post|Edit) status for ${name}$`) })).toBeVisible();
  }
  // Only the owner's own projects.
  await expect(table.getByRole('link', { name: 'Hiring pipeline' })).toHaveCount(0);
  await expect(page.getByRole('heading', { name: 'Action items' })).toBeVisible();
  await expectNoAxeViolations(page);

  // The button opens the status form of that project.
  await table.getByRole('link', { name: /status for Checkout redesign$/ }).click();
  await expect(page).toHaveURL(/\/forums\/demo\/projects\/\d+\/status$/);
  await expect(page.getByRole('heading', { name: 'Status update' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Checkout redesign' }).first()).toBeVisible();
});

test('an owner whose status is not in sees it due (or overdue) with the deadline in the forum’s time zone', async ({
  page,
}) => {
  await signIn(page, 'owner4@demo.test');
  const table = page.getByRole('table', { name: 'My projects in Demo Leadership Review' });
  const row = table.getByRole('row').filter({ has: page.getByRole('link', { name: 'Hiring pipeline', exact: true }) });
  const cycle = row.getByRole('cell').nth(3);
  await expect(cycle).toHaveText(/^(Due by|Overdue)/);
  await expect(cycle).toContainText(/\d{1,2} [A-Z][a-z]{2} \d{4}, \d\d:\d\d UTC/);
  await expect(row.getByRole('link', { name: 'Post status for Hiring pipeline' })).toBeVisible();
  // Dev Patel owns projects in the Platform Council too: its own section.
  await expect(page.getByRole('table', { name: 'My projects in Platform Council' })).toBeVisible();
});

test('the chair’s home is the next meeting: exceptions, missing statuses and a Start meeting form on the meeting’s own action', async ({
  page,
}) => {
  await signIn(page, 'chair@demo.test');
  const forum = page.getByRole('region', { name: /Demo Leadership Review/ });
  const meeting = forum.getByRole('region', { name: /Next meeting/ });
  await expect(meeting.getByRole('heading', { name: /^Next meeting: / })).toContainText(DATE);
  await expect(meeting.getByRole('heading', { name: 'Exceptions' })).toBeVisible();
  // The demo forum's escalated project is an exception with its reason.
  await expect(meeting.getByRole('listitem').filter({ hasText: 'Data warehouse migration' }).first()).toContainText(
    'Escalated',
  );
  await expect(meeting.getByRole('heading', { name: /^Statuses (not in yet|missing) \(\d+\)$/ })).toBeVisible();
  const href = await meeting.getByRole('link', { name: DATE }).getAttribute('href');
  expect(href).toMatch(/^\/forums\/demo\/meetings\/\d+$/);
  const start = meeting.getByRole('button', { name: 'Start meeting' });
  const join = meeting.getByRole('link', { name: 'Join the meeting' });
  await expect(start.or(join)).toBeVisible();
  if (await start.isVisible()) {
    // The meeting page's start action (which asks first when it is early), posted as a plain form.
    const form = start.locator('xpath=ancestor::form');
    await expect(form).toHaveAttribute('action', href!);
    await expect(form).toHaveAttribute('method', 'post');
    await expect(form.locator('input[name="intent"]')).toHaveValue('start');
  }
  await expectNoAxeViolations(page);
  // The agenda link opens the meeting page.
  await meeting.getByRole('link', { name: DATE }).click();
  await expect(page).toHaveURL(new RegExp(`${href}$`));
});

test('a leader sees the next meeting’s exceptions and missing statuses, without a Start meeting button', async ({
  page,
}) => {
  await signIn(page, 'leader@demo.test');
  const meeting = page
    .getByRole('region', { name: /Demo Leadership Review/ })
    .getByRole('region', { name: /Next meeting/ });
  await expect(meeting.getByRole('heading', { name: 'Exceptions' })).toBeVisible();
  await expect(meeting.getByRole('heading', { name: /^Statuses (not in yet|missing) \(\d+\)$/ })).toBeVisible();
  await expect(meeting.getByRole('button', { name: 'Start meeting' })).toHaveCount(0);
  await expect(meeting.getByRole('link', { name: /^(Open the agenda|Join the meeting)$/ })).toBeVisible();
  await expectNoAxeViolations(page);
});

test('a safe redirectTo still wins over the home after signing in', async ({ page }) => {
  await page.goto('/forums/demo/oversight');
  await expect(page).toHaveURL(/\/login\?redirectTo=/);
  await page.getByLabel('Email').fill('owner1@demo.test');
  await page.getByLabel('Password').fill('inspection-demo');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/forums\/demo\/oversight$/);
});
