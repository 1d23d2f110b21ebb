import type { Browser, Page } from '@playwright/test';
import { expect, expectNoAxeViolations, signIn, test } from './fixtures';

// Issue #14, the identity half, in the browser: the admin's users page, set-password and invitation links, members.
const PASSWORD = 'a long enough passphrase';
const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

/** A browser of its own (another person), closed by the caller. */
async function otherBrowser(browser: Browser) {
  const context = await browser.newContext();
  return { context, page: await context.newPage() };
}

async function inviteUserAsAdmin(page: Page, { email, name }: { email: string; name: string }): Promise<string> {
  await page.goto('/admin');
  await expect(page).toHaveURL(/\/admin\/users$/);
  const invite = page.getByRole('region', { name: 'Invite a user' });
  await invite.getByLabel('Email').fill(email);
  await invite.getByLabel('Name').fill(name);
  await invite.getByRole('button', { name: 'Invite' }).click();
  await expect(page.getByRole('status')).toContainText(`${name} is invited`);
  return page.getByLabel('Link to send').inputValue();
}

async function setPassword(page: Page, link: string) {
  await page.goto(link);
  await page.getByLabel('New password').fill(PASSWORD);
  await page.getByLabel('Repeat the password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Set password and sign in' }).click();
  await page.waitForURL((url) => url.pathname === '/');
}

test('an admin invites a user, who sets a password from the link and signs in', async ({ page, browser }) => {
  await signIn(page, 'chair@demo.test'); // the demo chair is the demo's instance admin
  await page.getByRole('link', { name: 'Admin' }).click();
  await expect(page.getByRole('heading', { name: 'Users' })).toBeVisible();
  await expectNoAxeViolations(page);

  // A bad submission: errors next to the fields, what was typed kept.
  const invite = page.getByRole('region', { name: 'Invite a user' });
  await invite.getByLabel('Email').fill('not-an-email');
  await invite.getByRole('button', { name: 'Invite' }).click();
  await expect(invite.getByLabel('Email')).toHaveAttribute('aria-invalid', 'true');
  await expect(invite.getByLabel('Email')).toHaveValue('not-an-email');
  await expect(invite.getByLabel('Name')).toHaveAttribute('aria-invalid', 'true');

  const email = `new-${unique()}@example.test`;
  const link = await inviteUserAsAdmin(page, { email, name: 'Nadia New' });
  expect(link).toMatch(/\/set-password\/[A-Za-z0-9_-]{43}$/);
  await expect(page.getByRole('row', { name: /Nadia New/ })).toContainText('Invited (no password yet)');

  const invitee = await otherBrowser(browser);
  await invitee.page.goto(link);
  await expect(invitee.page.getByRole('heading', { name: 'Welcome, Nadia New' })).toBeVisible();
  await expectNoAxeViolations(invitee.page);
  await setPassword(invitee.page, link);
  await expect(invitee.page.getByRole('link', { name: 'Nadia New' })).toBeVisible();
  // The link worked once.
  const again = await invitee.page.goto(link);
  expect(again?.status()).toBe(410);
  await expect(invitee.page.getByText('already been used')).toBeVisible();
  // Signs out, and in again with the new password.
  await invitee.page.getByRole('button', { name: 'Sign out' }).click();
  await signIn(invitee.page, email, PASSWORD);
  await expect(invitee.page.getByRole('link', { name: 'Nadia New' })).toBeVisible();
  await invitee.context.close();
});

test('deactivating a user ends their signed-in session at once; they cannot sign in again', async ({
  page,
  browser,
}) => {
  await signIn(page, 'chair@demo.test');
  const email = `leaving-${unique()}@example.test`;
  const link = await inviteUserAsAdmin(page, { email, name: 'Lee Leaving' });
  const user = await otherBrowser(browser);
  await setPassword(user.page, link);
  await user.page.goto('/account');
  await expect(user.page.getByRole('heading', { name: 'My account' })).toBeVisible();

  await page.goto('/admin/users');
  await page.getByRole('button', { name: 'Deactivate: Lee Leaving' }).click();
  await expect(page.getByRole('status')).toContainText('Lee Leaving is deactivated');
  await expect(page.getByRole('row', { name: /Lee Leaving/ })).toContainText('Deactivated');

  await user.page.goto('/account');
  await expect(user.page).toHaveURL(/\/login/);
  await user.page.getByLabel('Email').fill(email);
  await user.page.getByLabel('Password').fill(PASSWORD);
  await user.page.getByRole('button', { name: 'Sign in' }).click();
  await expect(user.page.getByRole('alert')).toContainText('deactivated');
  await user.context.close();
});

test('the chair invites a member, who accepts in another browser; the chair changes the role, then removes them', async ({
  page,
  browser,
}) => {
  await signIn(page, 'chair@demo.test');
  await page.goto('/forums/demo/settings/members');
  await expect(page.getByRole('heading', { name: /Members of/ })).toBeVisible();
  await expectNoAxeViolations(page);

  const email = `member-${unique()}@example.test`;
  const form = page.getByRole('region', { name: 'Invite someone' });
  await form.getByLabel('Email').fill(email);
  await form.getByLabel('Role').selectOption('observer');
  await form.getByRole('button', { name: 'Create invitation link' }).click();
  const link = await page.getByLabel('Invitation link to send').inputValue();
  expect(link).toMatch(/\/invitations\/[A-Za-z0-9_-]{43}$/);
  const pending = page.getByRole('table', { name: 'Invitations not yet accepted' });
  await expect(pending.getByRole('row', { name: new RegExp(email) })).toContainText('Observer');

  const invitee = await otherBrowser(browser);
  await invitee.page.goto(link);
  await expect(invitee.page.getByRole('heading', { name: /Join/ })).toBeVisible();
  await expectNoAxeViolations(invitee.page);
  await invitee.page.getByLabel('Your name').fill('Mina Member');
  await invitee.page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await invitee.page.getByLabel('Repeat the password').fill(PASSWORD);
  await invitee.page.getByRole('button', { name: 'Create my account and join' }).click();
  await expect(invitee.page).toHaveURL(/\/forums\/demo$/);
  await expect(invitee.page.getByRole('link', { name: 'Mina Member' })).toBeVisible();

  await page.reload();
  await expect(pending.getByRole('row', { name: new RegExp(email) })).toHaveCount(0);
  const members = page.getByRole('table', { name: 'Members and their roles' });
  await expect(members.getByRole('row', { name: /Mina Member/ })).toBeVisible();
  await members.getByRole('combobox', { name: 'Role of Mina Member' }).selectOption('owner');
  await members.getByRole('button', { name: 'Change the role of Mina Member' }).click();
  await expect(page.getByRole('status')).toContainText('Mina Member is now owner');
  await expect(members.getByRole('combobox', { name: 'Role of Mina Member' })).toHaveValue('owner');

  await members.getByRole('button', { name: 'Remove Mina Member from the forum' }).click();
  await expect(page.getByRole('status')).toContainText('Mina Member is no longer a member');
  const gone = await invitee.page.goto('/forums/demo');
  expect(gone?.status()).toBe(404);
  await invitee.context.close();
});

test('a leader reads the members page without the forms; the last chair cannot step down', async ({ page }) => {
  await signIn(page, 'leader@demo.test');
  await page.goto('/forums/demo/settings/members');
  await expect(page.getByText('Only the chair changes members and roles.')).toBeVisible();
  await expectNoAxeViolations(page);
  await expect(page.getByRole('button', { name: /Remove/ })).toHaveCount(0);
  await page.getByRole('button', { name: 'Sign out' }).click();

  await signIn(page, 'chair@demo.test');
  await page.goto('/forums/demo/settings/members');
  const members = page.getByRole('table', { name: 'Members and their roles' });
  await members.getByRole('combobox', { name: 'Role of Morgan Hale' }).selectOption('leader');
  await members.getByRole('button', { name: 'Change the role of Morgan Hale' }).click();
  await expect(page.getByRole('alert')).toContainText('at least one chair');
  await page.reload();
  await expect(members.getByRole('combobox', { name: 'Role of Morgan Hale' })).toHaveValue('chair');
});
