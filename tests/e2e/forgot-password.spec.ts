import type { Browser } from '@playwright/test';
import { expect, expectNoAxeViolations, signIn, test } from './fixtures';

// Issue #16 item 5 in the browser: "Forgot your password?" on the sign-in page emails a link (no SMTP server in
// the e2e run: the admin reads it in the outbox); the link sets a new password, which signs in.
const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

async function otherBrowser(browser: Browser) {
  const context = await browser.newContext();
  return { context, page: await context.newPage() };
}

test('a person who forgot their password gets a link by email, sets a new password and signs in with it', async ({
  page,
  browser,
}) => {
  test.slow(); // several password hashes and two browsers on a shared machine
  // A user of our own (never a demo user: other specs sign in with their passwords).
  const email = `forgetful-${unique()}@example.test`;
  await signIn(page, 'chair@demo.test'); // the instance admin
  await page.goto('/admin/users');
  const invite = page.getByRole('region', { name: 'Invite a user' });
  await invite.getByLabel('Email').fill(email);
  await invite.getByLabel('Name').fill('Fern Forgetful');
  await invite.getByRole('button', { name: 'Invite' }).click();
  const firstLink = await page.getByLabel('Link to send').inputValue();

  const person = await otherBrowser(browser);
  try {
    await person.page.goto(firstLink);
    await person.page.getByLabel('New password').fill('my first passphrase');
    await person.page.getByLabel('Repeat the password').fill('my first passphrase');
    await person.page.getByRole('button', { name: 'Set password and sign in' }).click();
    await person.page.waitForURL((url) => url.pathname === '/');
    await person.context.clearCookies();

    // Forgotten: from the sign-in page.
    await person.page.goto('/login');
    await person.page.getByRole('link', { name: 'Forgot your password?' }).click();
    await expect(person.page.getByRole('heading', { name: 'Forgot your password?' })).toBeVisible();
    await expectNoAxeViolations(person.page);
    await person.page.getByLabel('Email').fill('not an email');
    await person.page.getByRole('button', { name: 'Email me a link' }).click();
    await expect(person.page.getByLabel('Email')).toHaveAttribute('aria-invalid', 'true');
    await expect(person.page.getByLabel('Email')).toHaveValue('not an email');
    await person.page.getByLabel('Email').fill(email);
    await person.page.getByRole('button', { name: 'Email me a link' }).click();
    await expect(person.page.getByRole('status')).toContainText(
      `If ${email} belongs to an account, we have sent it a link`,
    );

    // The email, as the admin sees it in the outbox (no mail server configured here).
    await page.goto('/admin/outbox?state=pending');
    await expect(page.getByRole('heading', { name: 'Outbox' })).toBeVisible();
    await expectNoAxeViolations(page);
    const row = page.getByRole('row').filter({ hasText: email }).filter({ hasText: 'Choose a new password' });
    await expect(row).toHaveCount(1);
    await row.locator('summary').click();
    const text = await row.locator('pre').innerText();
    expect(text).toContain('Hello Fern Forgetful');
    const link = /https?:\/\/\S+\/set-password\/[A-Za-z0-9_-]{43}/.exec(text)![0];

    await person.page.goto(new URL(link).pathname);
    await expect(person.page.getByRole('heading', { name: 'Choose a new password' })).toBeVisible();
    await person.page.getByLabel('New password').fill('my second passphrase');
    await person.page.getByLabel('Repeat the password').fill('my second passphrase');
    await person.page.getByRole('button', { name: 'Set password and sign in' }).click();
    await person.page.waitForURL((url) => url.pathname === '/');
    await expect(person.page.getByRole('link', { name: 'Fern Forgetful' })).toBeVisible();

    // The old password no longer works; the new one does.
    await person.context.clearCookies();
    await person.page.goto('/login');
    await person.page.getByLabel('Email').fill(email);
    await person.page.getByLabel('Password').fill('my first passphrase');
    await person.page.getByRole('button', { name: 'Sign in' }).click();
    await expect(person.page.getByRole('alert')).toContainText('do not match');
    await signIn(person.page, email, 'my second passphrase');
    await expect(person.page.getByRole('link', { name: 'Fern Forgetful' })).toBeVisible();
  } finally {
    await person.context.close();
  }
});
