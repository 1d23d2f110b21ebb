import type { Browser } from '@playwright/test';
import { expect, expectNoAxeViolations, signIn, test } from './fixtures';

// Issue #15: Settings → Oversight policy. In a forum of its own (other specs read the demo forum's levels): the
// chair changes a parameter without JavaScript, a blank reason is refused next to the field, the save shows in the
// version history, the oversight page says the new value in words, and a leader reads it all read-only.
test.describe.configure({ mode: 'serial' });
test.setTimeout(120_000);

const unique = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const slug = `policy-lab-${unique}`;
const PASSWORD = 'a long enough passphrase';

async function noScriptPage(browser: Browser) {
  const context = await browser.newContext({ javaScriptEnabled: false });
  return { context, page: await context.newPage() };
}

test('the chair changes a parameter, a blank reason is refused, then saves with a reason and finds it in the history (no JavaScript)', async ({
  browser,
}) => {
  const { context, page } = await noScriptPage(browser);
  try {
    await signIn(page, 'chair@demo.test');
    await page.goto('/admin/forums');
    await page.getByLabel('Name').fill('Policy Lab');
    await page.getByLabel('Address').fill(slug);
    await page.getByLabel('How often it meets').selectOption('weekly');
    await page.getByLabel('Weekday').selectOption({ label: 'Wednesday' });
    await page.getByLabel('Time (24-hour, HH:MM)').fill('11:00');
    await page.getByLabel('Time zone').fill('Europe/Paris');
    await page.getByRole('button', { name: 'Create forum' }).click();
    await expect(page).toHaveURL(new RegExp(`/forums/${slug}$`));

    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('link', { name: 'Oversight policy' }).click();
    await expect(page.getByRole('heading', { name: 'Oversight policy · version 1' })).toBeVisible();
    const streak = page.getByLabel('Standard → Light after (on-track reviews)');
    await expect(streak).toHaveValue('4');
    // Meaning, default and range next to the field.
    await expect(page.locator('#policy-loosenStreakStandard-hint')).toContainText(
      'Default: 4 on-track reviews. From 1 to 20.',
    );

    await streak.fill('3');
    await page.getByLabel('Trusted: review every (meetings)').fill('3');
    await page.getByRole('button', { name: 'Save as version 2' }).click();
    const reason = page.getByLabel('Why this change');
    await expect(reason).toHaveAttribute('aria-invalid', 'true');
    await expect(page.locator('#policy-reason-error')).toContainText('Say why the policy changes');
    // The ordering is explained next to the field that breaks it; what was typed is kept.
    await expect(page.locator('#policy-intervalTrusted-error')).toContainText(
      'Must be at least the Light interval (4)',
    );
    await expect(streak).toHaveValue('3');
    await expect(page.getByLabel('Trusted: review every (meetings)')).toHaveValue('3');

    await page.getByLabel('Trusted: review every (meetings)').fill('8');
    await reason.fill('Owners here report honestly: trust them sooner');
    await page.getByRole('button', { name: 'Save as version 2' }).click();
    await expect(page.getByRole('status')).toContainText('Version 2 saved');
    await expect(page.getByRole('heading', { name: 'Oversight policy · version 2' })).toBeVisible();
    const history = page.getByRole('table', { name: /Versions of this forum's oversight policy/ });
    const v2 = history.getByRole('row').filter({ hasText: 'Owners here report honestly' });
    await expect(v2).toContainText('Standard → Light after: 4 on-track reviews → 3 on-track reviews');
    await expect(v2).toContainText('Morgan Hale');
    await expect(v2).not.toContainText('Trusted: review every');
    await expect(history.getByRole('row').filter({ hasText: 'The starting values' })).toHaveCount(1);

    await page.goto(`/forums/${slug}/oversight`);
    const words = page.getByRole('region', { name: 'The policy in force' });
    await expect(words).toContainText('Version 2');
    await expect(words).toContainText('Standard → Light after 3 on-track reviews in a row.');
  } finally {
    await context.close();
  }
});

test('with JavaScript the page and its errors pass axe; a leader reads the policy and its history, without a form to change them', async ({
  page,
  browser,
}) => {
  await signIn(page, 'chair@demo.test');
  await page.goto(`/forums/${slug}/settings/policy`);
  await expect(page.getByRole('heading', { name: 'Oversight policy · version 2' })).toBeVisible();
  await expectNoAxeViolations(page);
  await page.getByLabel('Points: a hard miss (points)').fill('0');
  await page.getByRole('button', { name: 'Save as version 3' }).click();
  await expect(page.locator('#policy-reason-error')).toContainText('Say why the policy changes');
  await expect(page.locator('#policy-pointsSoftMiss-error')).toContainText(
    'Must be at most the points of a hard miss (0)',
  );
  await expect(page.getByLabel('Points: a hard miss (points)')).toHaveValue('0');
  await expectNoAxeViolations(page);

  await page.goto(`/forums/${slug}/settings/members`);
  const form = page.getByRole('region', { name: 'Invite someone' });
  const email = `policy-leader-${unique}@example.test`;
  await form.getByLabel('Email').fill(email);
  await form.getByLabel('Role').selectOption('leader');
  await form.getByRole('button', { name: 'Create invitation link' }).click();
  const link = await page.getByLabel('Invitation link to send').inputValue();

  const context = await browser.newContext();
  try {
    const leader = await context.newPage();
    await leader.goto(link);
    await leader.getByLabel('Your name').fill('Lea Leader');
    await leader.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await leader.getByLabel('Repeat the password').fill(PASSWORD);
    await leader.getByRole('button', { name: 'Create my account and join' }).click();
    await expect(leader).toHaveURL(new RegExp(`/forums/${slug}$`));

    await leader.goto(`/forums/${slug}/settings/policy`);
    await expect(leader.getByRole('heading', { name: 'Oversight policy · version 2' })).toBeVisible();
    await expect(leader.getByLabel('Standard → Light after (on-track reviews)')).toBeDisabled();
    await expect(leader.getByLabel('Standard → Light after (on-track reviews)')).toHaveValue('3');
    await expect(leader.getByText('Only the forum’s chair can change the policy.')).toBeVisible();
    await expect(leader.getByRole('button', { name: /Save/ })).toHaveCount(0);
    await expect(leader.getByLabel('Why this change')).toHaveCount(0);
    await expect(leader.getByRole('table', { name: /Versions of this forum's oversight policy/ })).toContainText(
      'Owners here report honestly',
    );
    await expectNoAxeViolations(leader);
  } finally {
    await context.close();
  }
});

test('the chair previews a change on the forum’s history (no JavaScript), then saves it with a reason', async ({
  browser,
}) => {
  const { context, page } = await noScriptPage(browser);
  try {
    await signIn(page, 'chair@demo.test');
    await page.goto(`/forums/${slug}/settings/policy`);
    await expect(page.getByRole('heading', { name: 'Oversight policy · version 2' })).toBeVisible();
    const light = page.getByLabel('Light: review every (meetings)');
    await light.fill('9');
    // A refused preview says why next to the field and keeps what was typed; no reason is needed for a preview.
    await page.getByRole('button', { name: 'Preview on this forum’s history' }).click();
    await expect(page.locator('#policy-intervalTrusted-error')).toContainText(
      'Must be at least the Light interval (9)',
    );
    await expect(light).toHaveValue('9');
    await expect(page.locator('#policy-reason-error')).toHaveCount(0);
    await expect(page.getByRole('heading', { name: 'What the candidate policy would have done' })).toHaveCount(0);

    await light.fill('6');
    await page.getByRole('button', { name: 'Preview on this forum’s history' }).click();
    const preview = page.getByRole('region', { name: 'What the candidate policy would have done' });
    await expect(preview).toBeVisible();
    await expect(preview.getByRole('heading', { name: 'Projects per level now' })).toBeVisible();
    await expect(
      preview.getByRole('table', { name: /Projects per level now, as it happened and under the candidate policy/ }),
    ).toBeVisible();
    await expect(preview).toContainText('This is a counterfactual');
    // Nothing was saved: still version 2, the typed value kept for the save.
    await expect(page.getByRole('heading', { name: 'Oversight policy · version 2' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Save as version 3' })).toBeVisible();
    await expect(light).toHaveValue('6');
    await expect(page.locator('#policy-reason-error')).toHaveCount(0);

    await page.getByLabel('Why this change').fill('Light projects are steady here: review them less often');
    await page.getByRole('button', { name: 'Save as version 3' }).click();
    await expect(page.getByRole('status')).toContainText('Version 3 saved');
    const v3 = page
      .getByRole('table', { name: /Versions of this forum's oversight policy/ })
      .getByRole('row')
      .filter({ hasText: 'Light projects are steady here' });
    await expect(v3).toContainText('Light: review every: 4 meetings → 6 meetings');
  } finally {
    await context.close();
  }
});

test('with JavaScript the preview is reached by keyboard and passes axe', async ({ page }) => {
  await signIn(page, 'chair@demo.test');
  await page.goto(`/forums/${slug}/settings/policy`);
  await expect(page.getByRole('heading', { name: 'Oversight policy · version 3' })).toBeVisible();
  const streak = page.getByLabel('Standard → Light after (on-track reviews)');
  await streak.fill('2');
  await page.getByLabel('Why this change').fill('Typed before the preview');
  // Enter in a field submits the form's first button: the preview, never a save.
  await streak.press('Enter');
  const preview = page.getByRole('region', { name: 'What the candidate policy would have done' });
  await expect(preview).toBeVisible();
  await expect(streak).toHaveValue('2');
  await expect(page.getByLabel('Why this change')).toHaveValue('Typed before the preview');
  await expect(page.getByRole('heading', { name: 'Oversight policy · version 3' })).toBeVisible();
  await expectNoAxeViolations(page);
  await page.getByRole('button', { name: 'Preview on this forum’s history' }).focus();
  await page.keyboard.press('Enter');
  await expect(preview).toBeVisible();
});
