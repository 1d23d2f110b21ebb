import AxeBuilder from '@axe-core/playwright';
import { expect, test as base, type Page } from '@playwright/test';

export const DEMO_PASSWORD = 'inspection-demo';

/** Signs in through the real form and waits until the app has let the user in. */
export async function signIn(page: Page, email: string, password = DEMO_PASSWORD) {
  await attemptSignIn(page, email, password);
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
}

export async function attemptSignIn(page: Page, email: string, password: string) {
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

export async function expectNoAxeViolations(page: Page) {
  // Only violations are asserted on: collecting the passing nodes too took a fifth more time (2026-12-02).
  const results = await new AxeBuilder({ page }).options({ resultTypes: ['violations'] }).analyze();
  expect(results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.length})`)).toEqual([]);
}

/** Every test fails on an uncaught error or console error in the page (a broken hydration looks like a 500). */
/**
 * Starts the meeting open on the page, confirming when it asks (a start more than an hour early: issue #21);
 * says whether it asked. With `axe`, the confirmation is checked for accessibility first.
 */
export async function startMeeting(page: Page, { axe = false }: { axe?: boolean } = {}): Promise<boolean> {
  await page.getByRole('button', { name: 'Start meeting' }).click();
  const early = page.getByRole('heading', { name: 'Start this meeting early?' });
  await expect(early.or(page.locator('.meeting-status', { hasText: 'In progress' }))).toBeVisible();
  if (!(await early.isVisible())) return false;
  if (axe) await expectNoAxeViolations(page);
  await page.getByRole('button', { name: 'Start now anyway' }).click();
  await expect(page.locator('.meeting-status')).toContainText('In progress');
  return true;
}

export const test = base.extend<{ failOnPageErrors: void }>({
  failOnPageErrors: [
    async ({ page }, use) => {
      const errors: string[] = [];
      page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
      page.on('console', (msg) => {
        if (msg.type() === 'error' && !/status of (4\d\d)/.test(msg.text())) errors.push(`console: ${msg.text()}`);
      });
      await use();
      expect(errors).toEqual([]);
    },
    { auto: true },
  ],
});
export { expect };
