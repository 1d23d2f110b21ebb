import { expect, expectNoAxeViolations, signIn, test } from './fixtures';

// Issue #21.4: a milestone done in the last status starts ticked on the next one; unticking it is a reopen, which
// needs a note and shows in the goal's history. The spec leaves the milestone done, as it found it.
test('a done milestone stays done on the next status unless its owner reopens it with a note', async ({ page }) => {
  await signIn(page, 'owner2@demo.test');
  await page.goto('/forums/demo');
  await page.getByRole('link', { name: 'Reporting API', exact: true }).first().click();
  await expect(page.getByRole('heading', { level: 1, name: 'Reporting API' })).toBeVisible();
  const projectPath = new URL(page.url()).pathname;
  const milestoneCard = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: /API v1 GA/ }) });
  await expect(milestoneCard).toContainText('Done');

  await page.getByRole('link', { name: 'Post or edit status' }).click();
  const done = page.getByRole('checkbox', { name: 'API v1 GA: done' });
  await expect(done).toBeChecked();
  await expect(done).toHaveAccessibleDescription(/Untick it only to reopen it/);
  await page.getByRole('radio', { name: 'On track' }).check();
  await page.getByLabel('p95 latency (ms)').fill('310');
  await page.getByLabel('Summary').fill('GA shipped; latency nearly at target.');

  // Unticked without a note: refused, the error beside the note, nothing lost.
  await done.uncheck();
  await page.getByRole('button', { name: /Post status|Save changes/ }).click();
  const note = page.getByLabel('Note on API v1 GA (optional)');
  await expect(note).toHaveAttribute('aria-invalid', 'true');
  await expect(note).toHaveAccessibleDescription(/API v1 GA was done: to reopen it, say why/);
  await expect(page.getByLabel('Summary')).toHaveValue('GA shipped; latency nearly at target.');
  await expectNoAxeViolations(page);

  // With a note it is reopened on purpose, and the goal's history says so.
  const why = `Rolled back after data loss ${Date.now()}`;
  await note.fill(why);
  await page.getByRole('button', { name: /Post status|Save changes/ }).click();
  await expect(page).toHaveURL(new RegExp(`${projectPath}#status-\\d+$`));
  await expect(milestoneCard).toContainText('Not done');
  await expect(milestoneCard).toContainText(`Reopened`);
  await expect(milestoneCard).toContainText(why);

  // Done again: tick it and post the form.
  await page.getByRole('link', { name: 'Post or edit status' }).click();
  await page.getByRole('checkbox', { name: 'API v1 GA: done' }).check();
  await page.getByLabel('Note on API v1 GA (optional)').fill('');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page).toHaveURL(new RegExp(`${projectPath}#status-\\d+$`));
  await expect(milestoneCard.locator('strong')).toHaveText('Done');
  // A done milestone is badged Done, not also "Active".
  await expect(milestoneCard.locator('h3 .badge')).toHaveText('Done');
  await expect(milestoneCard).not.toContainText('Active');
});
