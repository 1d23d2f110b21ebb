import type { Browser, Page } from '@playwright/test';
import { DEMO_PASSWORD, expect, expectNoAxeViolations, signIn, startMeeting, test } from './fixtures';

// Each role's home is their work (issue #20). Read-only on the demo forum: nothing here posts, starts or moves.

const DATE = /\d{1,2} [A-Z][a-z]{2,3} \d{4}/;

test('an owner lands on their projects: level, next review, this cycle’s status and a button to post or edit it', async ({
  page,
}) => {
  await signIn(page, 'owner1@demo.test');
  // A member of one forum lands on its page, their work first (below: own forums, with and without JavaScript).
  await expect(page).toHaveURL(/\/forums\/demo$/);
  await page.goto('/');
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

// Issue #20: a member of one forum lands on it after signing in, their work above the portfolio; a member of two
// forums lands on the cross-forum home. On a forum of its own, with members of its own (the demo forum is only read).
test.describe('where signing in lands', () => {
  test.describe.configure({ mode: 'serial' });
  const PASSWORD = 'a long enough passphrase';
  const id = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
  const FORUM = { slug: `landing-${id}`, name: `Landing ${id}` };
  const CHAIR = { email: `landing-chair-${id}@example.test`, name: `Cleo Chair ${id}` };
  const OWNER = { email: `landing-owner-${id}@example.test`, name: `Omar Owner ${id}` };
  const PROJECT = `Landing project ${id}`;

  async function signInByForm(page: Page, email: string, password: string) {
    await page.goto('/login');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => !url.pathname.startsWith('/login'));
  }

  async function fresh(browser: Browser, javaScriptEnabled: boolean) {
    const context = await browser.newContext({ javaScriptEnabled });
    return { context, page: await context.newPage() };
  }

  /** "My work" is the first thing under the forum's heading, above the portfolio table. */
  async function expectWorkFirst(page: Page) {
    await expect(page).toHaveURL(new RegExp(`/forums/${FORUM.slug}$`));
    await expect(page.getByRole('heading', { level: 1, name: FORUM.name })).toBeVisible();
    const work = page.getByRole('region', { name: /^My work/ });
    await expect(work).toBeVisible();
    const portfolio = page.getByRole('table', { name: `Projects in ${FORUM.name}`, exact: true });
    const [a, b] = [await work.boundingBox(), await portfolio.boundingBox()];
    expect(a!.y + a!.height).toBeLessThanOrEqual(b!.y);
    return work;
  }

  test('an admin in two forums lands on the home; sets up a forum with one chair and one owner', async ({
    page,
    browser,
  }) => {
    // The demo chair belongs to the demo forum and the Platform Council: the cross-forum home.
    await signIn(page, 'chair@demo.test', DEMO_PASSWORD);
    await expect(page).toHaveURL(/\/$/);
    await expect(page.getByRole('heading', { name: /^Welcome/ })).toBeVisible();
    await page.goto('/admin/forums');
    await page.getByLabel('Name').fill(FORUM.name);
    await page.getByLabel('Address').fill(FORUM.slug);
    await page.getByLabel('How often it meets').selectOption('weekly');
    await page.getByLabel('Weekday').selectOption({ label: 'Wednesday' });
    await page.getByLabel('Time (24-hour, HH:MM)').fill('12:00');
    await page.getByLabel('Time zone').fill('UTC');
    await page.getByRole('button', { name: 'Create forum' }).click();
    await expect(page).toHaveURL(new RegExp(`/forums/${FORUM.slug}$`));
    await page.goto(`/forums/${FORUM.slug}/settings/members`);
    const form = page.getByRole('region', { name: 'Invite someone' });
    for (const [who, role] of [
      [CHAIR, 'chair'],
      [OWNER, 'owner'],
    ] as const) {
      await form.getByLabel('Email').fill(who.email);
      await form.getByLabel('Role').selectOption(role);
      await form.getByRole('button', { name: 'Create invitation link' }).click();
      // The notice of this invitation (the previous one's link stays on the page until the answer comes).
      await expect(page.getByRole('status').filter({ hasText: who.email })).toBeVisible();
      await expect(page.getByLabel('Invitation link to send')).toHaveValue(/\/invitations\//);
      const link = await page.getByLabel('Invitation link to send').inputValue();
      const invitee = await fresh(browser, true);
      await invitee.page.goto(link);
      await invitee.page.getByLabel('Your name').fill(who.name);
      await invitee.page.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await invitee.page.getByLabel('Repeat the password').fill(PASSWORD);
      await invitee.page.getByRole('button', { name: 'Create my account and join' }).click();
      await expect(invitee.page).toHaveURL(new RegExp(`/forums/${FORUM.slug}$`), { timeout: 20_000 });
      await invitee.context.close();
    }
    await page.goto(`/forums/${FORUM.slug}/projects/new`);
    await page.getByLabel('Name').fill(PROJECT);
    await page.getByLabel('Owner').selectOption({ label: `${OWNER.name} (${OWNER.email})` });
    await page.getByRole('button', { name: 'Create project' }).click();
    await expect(page.getByRole('heading', { level: 1, name: PROJECT })).toBeVisible();
  });

  for (const javaScriptEnabled of [false, true]) {
    const how = javaScriptEnabled ? 'with JavaScript' : 'without JavaScript';

    test(`a one-forum owner lands on the forum with their projects first (${how})`, async ({ browser }) => {
      const { context, page } = await fresh(browser, javaScriptEnabled);
      await signInByForm(page, OWNER.email, PASSWORD);
      const work = await expectWorkFirst(page);
      const table = work.getByRole('table', { name: `My projects in ${FORUM.name}` });
      const row = table.getByRole('row').filter({ has: page.getByRole('link', { name: PROJECT, exact: true }) });
      await expect(row.getByRole('cell').nth(1)).toHaveText(/^(Tight|Standard|Light|Trusted)/);
      await expect(row.getByRole('cell').nth(3)).toHaveText(/^(Due by .*UTC|Overdue.*)/);
      await expect(row.getByRole('link', { name: `Post status for ${PROJECT}` })).toBeVisible();
      await expect(work.getByRole('region', { name: /Next meeting/ })).toHaveCount(0);
      if (javaScriptEnabled) await expectNoAxeViolations(page);
      await context.close();
    });

    test(`a one-forum chair lands on the forum with the next meeting first (${how})`, async ({ browser }) => {
      const { context, page } = await fresh(browser, javaScriptEnabled);
      await signInByForm(page, CHAIR.email, PASSWORD);
      const work = await expectWorkFirst(page);
      const meeting = work.getByRole('region', { name: /Next meeting/ });
      await expect(meeting.getByRole('heading', { name: 'Exceptions' })).toBeVisible();
      await expect(meeting.getByRole('heading', { name: /^Statuses (not in yet|missing) \(1\)$/ })).toBeVisible();
      // Listed as an exception (its kickoff) and as a missing status.
      await expect(meeting.getByRole('link', { name: PROJECT }).first()).toBeVisible();
      await expect(meeting.getByRole('button', { name: 'Start meeting' })).toBeVisible();
      if (javaScriptEnabled) await expectNoAxeViolations(page);
      // The site's root still opens the cross-forum home.
      await page.goto('/');
      await expect(page.getByRole('heading', { name: /^Welcome/ })).toBeVisible();
      await context.close();
    });
  }

  test('long lists show their first ten, say how many there are, and link to the rest', async ({ browser }) => {
    const chair = await fresh(browser, true);
    await signInByForm(chair.page, CHAIR.email, PASSWORD);
    for (let i = 1; i <= 11; i++) {
      await chair.page.goto(`/forums/${FORUM.slug}/projects/new`);
      await chair.page.getByLabel('Name').fill(`${PROJECT} ${String(i).padStart(2, '0')}`);
      await chair.page.getByLabel('Owner').selectOption({ label: `${OWNER.name} (${OWNER.email})` });
      await chair.page.getByRole('button', { name: 'Create project' }).click();
      await expect(
        chair.page.getByRole('heading', { level: 1, name: `${PROJECT} ${String(i).padStart(2, '0')}` }),
      ).toBeVisible();
    }
    // The chair: twelve kickoffs and twelve statuses not in, ten of each named.
    await chair.page.goto(`/forums/${FORUM.slug}`);
    const meeting = chair.page.getByRole('region', { name: /^My work/ }).getByRole('region', { name: /Next meeting/ });
    await expect(meeting.getByRole('heading', { name: 'Exceptions (12)' })).toBeVisible();
    await expect(meeting.getByRole('heading', { name: /^Statuses (not in yet|missing) \(12\)$/ })).toBeVisible();
    await expect(meeting.getByRole('list')).toHaveCount(2);
    for (const list of await meeting.getByRole('list').all()) await expect(list.getByRole('listitem')).toHaveCount(10);
    await expectNoAxeViolations(chair.page);
    await meeting.getByRole('link', { name: 'And 2 more on the dashboard, oldest status first' }).click();
    await expect(chair.page).toHaveURL(new RegExp(`/forums/${FORUM.slug}\\?sort=status_age&dir=desc$`));
    await chair.page.goBack();
    await chair.page
      .getByRole('region', { name: /Next meeting/ })
      .getByRole('link', { name: 'And 2 more on the agenda' })
      .click();
    await expect(chair.page).toHaveURL(new RegExp(`/forums/${FORUM.slug}/meetings/\\d+$`));
    await chair.context.close();

    // The owner, without JavaScript: ten of twelve projects, and the link to all of them on the dashboard.
    const owner = await fresh(browser, false);
    await signInByForm(owner.page, OWNER.email, PASSWORD);
    const work = await expectWorkFirst(owner.page);
    await expect(work.getByRole('heading', { name: 'My projects (12)' })).toBeVisible();
    const table = work.getByRole('table', { name: `My projects in ${FORUM.name}` });
    await expect(table.getByRole('row')).toHaveCount(11); // the header and ten projects
    await work.getByRole('link', { name: 'And 2 more of my projects, on the dashboard' }).click();
    await expect(owner.page).toHaveURL(new RegExp(`/forums/${FORUM.slug}\\?owner=\\d+$`));
    await expect(owner.page.getByText('12 projects match')).toBeVisible();
    await owner.context.close();
  });

  test('eleven action items: the forum page shows the ten due soonest, the home page all of them', async ({
    browser,
  }) => {
    test.setTimeout(90_000);
    const chair = await fresh(browser, true);
    await signInByForm(chair.page, CHAIR.email, PASSWORD);
    await chair.page
      .getByRole('region', { name: /Next meeting/ })
      .getByRole('link', { name: /UTC$/ })
      .click();
    await startMeeting(chair.page);
    const item = chair.page.getByRole('article').first();
    for (let i = 1; i <= 11; i++) {
      await item.getByLabel('New action item').fill(`Follow-up ${String(i).padStart(2, '0')}`);
      await item.getByLabel('Due date').fill(`2030-01-${String(i).padStart(2, '0')}`);
      await item.getByRole('button', { name: 'Add action item' }).click();
      await expect(
        item.getByRole('listitem').filter({ hasText: `Follow-up ${String(i).padStart(2, '0')}` }),
      ).toBeVisible();
    }
    await chair.context.close();

    const owner = await fresh(browser, false);
    await signInByForm(owner.page, OWNER.email, PASSWORD);
    await expectWorkFirst(owner.page);
    await expect(owner.page.getByRole('heading', { name: 'Action items (11)' })).toBeVisible();
    const table = owner.page.getByRole('table', { name: 'My open action items' });
    await expect(table.getByRole('row')).toHaveCount(11); // the header and the ten due soonest
    await expect(table.getByRole('row').filter({ hasText: 'Follow-up 10' })).toHaveCount(1);
    await expect(table.getByRole('row').filter({ hasText: 'Follow-up 11' })).toHaveCount(0);
    // On the forum's own page the forum goes without saying; the home page, across forums, names it.
    await expect(table.getByText(FORUM.name)).toHaveCount(0);
    await owner.page.getByRole('link', { name: 'And 1 more due later: all my action items on my home page' }).click();
    await expect(owner.page).toHaveURL(/\/$/);
    await expect(
      owner.page
        .getByRole('table', { name: 'My open action items' })
        .getByRole('row')
        .filter({ hasText: /Follow-up \d\d/ }),
    ).toHaveCount(11);
    await expect(
      owner.page.getByRole('table', { name: 'My open action items' }).getByText(FORUM.name, { exact: true }),
    ).toHaveCount(11);
    await owner.context.close();
  });
});
