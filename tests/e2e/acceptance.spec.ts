import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { adminQuery, withDatabase } from '../setup/server-db';
import { expect, expectNoAxeViolations, test } from './fixtures';

// Issue #14, item 8: a real team from an empty database to its first closed meeting, in the browser alone, once on
// the embedded database and once on PostgreSQL. Each variant has its own server and data (never the shared demo
// server): the first admin comes from the real CLI, everything else from the pages, as a person would.
//
// The PostgreSQL variant needs a server on 127.0.0.1:5432 (user postgres, trust auth; CI has one). It creates a
// fresh database if_accept_<random> there and drops it afterwards.
const PG_SERVER = 'postgres://postgres@127.0.0.1:5432/postgres';
const PASSWORD = 'a long enough passphrase';
const ADMIN = { email: 'ada.admin@example.test', name: 'Ada Admin' };
const CHAIR = { email: 'carla.chair@example.test', name: 'Carla Chair' };
const LEADER = { email: 'leo.leader@example.test', name: 'Leo Leader' };
const OWNER1 = { email: 'olga.owner@example.test', name: 'Olga Owner' };
const OWNER2 = { email: 'omar.owner@example.test', name: 'Omar Owner' };
const FORUM = { name: 'Acceptance Review', slug: 'acceptance-review' };
const PROJECTS = [
  { name: 'Billing rewrite', owner: OWNER1, goal: { title: 'Invoices on the new system', kind: 'metric' as const } },
  { name: 'Support portal', owner: OWNER1, goal: { title: 'Portal launched', kind: 'milestone' as const } },
  { name: 'Data warehouse', owner: OWNER2, goal: { title: 'First dashboard live', kind: 'milestone' as const } },
];
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** The app's environment for a variant: an empty database, no demo seed. */
function appEnv(db: { DATA_DIR: string; DATABASE_URL?: string }, port: number): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    NODE_ENV: 'test',
    SEED_DEMO: 'false',
    BACKUP_KEEP: '0',
    LOG_LEVEL: 'warn',
    APP_URL: '',
    DATA_DIR: db.DATA_DIR, // on PostgreSQL: an empty folder nothing uses
    DATABASE_URL: db.DATABASE_URL ?? '',
  };
}

/** The first admin, from the real CLI, the password on standard input. */
function createAdminWithCli(env: NodeJS.ProcessEnv) {
  const result = spawnSync(
    'npx',
    ['tsx', 'scripts/admin.ts', 'create', '--email', ADMIN.email, '--name', ADMIN.name, '--password-stdin'],
    {
      env,
      input: `${PASSWORD}\n`,
      encoding: 'utf8',
      timeout: 120_000,
    },
  );
  expect(result.status, `npm run admin failed:\n${result.stdout}\n${result.stderr}`).toBe(0);
  expect(result.stdout).toContain(`Created the instance admin ${ADMIN.name} <${ADMIN.email}>`);
}

/** The app as Playwright's webServer starts it (`npx tsx server.ts`), in its own process group; resolves once /healthz answers. */
async function startServer(env: NodeJS.ProcessEnv): Promise<{ server: ChildProcess; log: () => string }> {
  let log = '';
  const server = spawn('npx', ['tsx', 'server.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  server.stdout!.on('data', (d: Buffer) => (log += d.toString()));
  server.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  let exited = false;
  server.once('exit', () => (exited = true));
  const url = `http://127.0.0.1:${env.PORT}/healthz`;
  await expect
    .poll(
      async () => {
        if (exited) throw new Error(`The server exited before answering /healthz:\n${log}`);
        return (await fetch(url).catch(() => undefined))?.status ?? 0;
      },
      { timeout: 120_000, intervals: [500] },
    )
    .toBe(200);
  return { server, log: () => log };
}

async function stopServer(server: ChildProcess | undefined) {
  if (!server?.pid || server.exitCode !== null || server.signalCode !== null) return;
  const exited = new Promise((resolve) => server.once('exit', resolve));
  try {
    process.kill(-server.pid, 'SIGTERM'); // its group: npx and the node process under it
  } catch {
    return;
  }
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 15_000))]);
  if (server.exitCode === null && server.signalCode === null) {
    try {
      process.kill(-server.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** One person: a browser context of their own; any page error or console error fails the test at the end. */
async function person(
  browser: Browser,
  baseURL: string,
  errors: string[],
  who: string,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  page.on('pageerror', (err) => errors.push(`${who}: pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !/status of (4\d\d)/.test(msg.text())) errors.push(`${who}: console: ${msg.text()}`);
  });
  return { context, page };
}

async function signIn(page: Page, email: string) {
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
}

/** The chair's Members settings: invite by email with a role; returns the link shown on the page. */
async function invite(page: Page, email: string, role: 'chair' | 'leader' | 'owner'): Promise<string> {
  const form = page.getByRole('region', { name: 'Invite someone' });
  await form.getByLabel('Email').fill(email);
  await form.getByLabel('Role').selectOption(role);
  await form.getByRole('button', { name: 'Create invitation link' }).click();
  const pending = page.getByRole('table', { name: 'Invitations not yet accepted' });
  await expect(pending.getByRole('row', { name: new RegExp(email.replace(/\./g, '\\.')) })).toBeVisible();
  const link = await page.getByLabel('Invitation link to send').inputValue();
  expect(link).toMatch(/\/invitations\/[A-Za-z0-9_-]{43}$/);
  return link;
}

/** The invitee follows the link in a browser of their own and creates the account. */
async function accept(page: Page, link: string, name: string) {
  await page.goto(link);
  await expect(page.getByRole('heading', { name: /Join/ })).toBeVisible();
  await page.getByLabel('Your name').fill(name);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByLabel('Repeat the password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create my account and join' }).click();
  await expect(page).toHaveURL(new RegExp(`/forums/${FORUM.slug}$`));
  await expect(page.getByRole('link', { name })).toBeVisible();
}

async function openProject(page: Page, name: string) {
  await page.goto(`/forums/${FORUM.slug}`);
  // An owner's project is listed twice on the forum page: under "My work" first, then in the portfolio.
  await page.getByRole('link', { name, exact: true }).first().click();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
}

async function runAcceptance(browser: Browser, db: { DATA_DIR: string; DATABASE_URL?: string }) {
  const port = await freePort();
  const env = appEnv(db, port);
  const baseURL = `http://localhost:${port}`;
  const errors: string[] = [];
  const contexts: BrowserContext[] = [];
  let server: ChildProcess | undefined;
  let log = () => '';

  // 1. The first admin, before the server opens the database (one process at a time opens an embedded folder).
  createAdminWithCli(env);
  try {
    // 2. The app on an empty database (but for its admin).
    ({ server, log } = await startServer(env));
    const open = async (who: string) => {
      const p = await person(browser, baseURL, errors, who);
      contexts.push(p.context);
      return p.page;
    };

    // Nothing else is there: no demo accounts.
    const stranger = await open('stranger');
    await stranger.goto('/login');
    await stranger.getByLabel('Email').fill('chair@demo.test');
    await stranger.getByLabel('Password').fill('inspection-demo');
    await stranger.getByRole('button', { name: 'Sign in' }).click();
    await expect(stranger.getByRole('alert')).toBeVisible();
    await expect(stranger).toHaveURL(/\/login/);

    // 3. The admin signs in and creates a forum, meeting three days from now (so starting it today is early).
    const admin = await open('admin');
    await signIn(admin, ADMIN.email);
    await admin.getByRole('link', { name: 'Admin', exact: true }).click();
    await admin.getByRole('link', { name: 'Forums', exact: true }).click();
    await expect(admin.getByRole('heading', { name: 'Forums', level: 1 })).toBeVisible();
    await expectNoAxeViolations(admin);
    const weekday = WEEKDAYS[new Date(Date.now() + 3 * 86_400_000).getUTCDay()];
    await admin.getByLabel('Name').fill(FORUM.name);
    await admin.getByLabel('Address').fill(FORUM.slug);
    await admin.getByLabel('How often it meets').selectOption('weekly');
    await admin.getByLabel('Weekday').selectOption({ label: weekday });
    await admin.getByLabel('Time (24-hour, HH:MM)').fill('12:00');
    await admin.getByLabel('Time zone').fill('UTC');
    await admin.getByRole('button', { name: 'Create forum' }).click();
    await expect(admin).toHaveURL(new RegExp(`/forums/${FORUM.slug}$`));
    await expect(admin.getByRole('heading', { name: FORUM.name, level: 1 })).toBeVisible();

    // The admin, its first chair, invites the team from the forum's Members settings.
    await admin.getByRole('link', { name: 'Settings', exact: true }).click();
    await admin.getByRole('link', { name: 'Members', exact: true }).click();
    await expect(admin.getByRole('heading', { name: /Members of/ })).toBeVisible();
    const links = {
      chair: await invite(admin, CHAIR.email, 'chair'),
      leader: await invite(admin, LEADER.email, 'leader'),
      owner1: await invite(admin, OWNER1.email, 'owner'),
      owner2: await invite(admin, OWNER2.email, 'owner'),
    };
    await expectNoAxeViolations(admin);

    const chair = await open('chair');
    await accept(chair, links.chair, CHAIR.name);
    const leader = await open('leader');
    await accept(leader, links.leader, LEADER.name);
    const owner1 = await open('owner1');
    await accept(owner1, links.owner1, OWNER1.name);
    await expectNoAxeViolations(owner1);
    const owner2 = await open('owner2');
    await accept(owner2, links.owner2, OWNER2.name);

    await admin.reload();
    const members = admin.getByRole('table', { name: 'Members and their roles' });
    for (const who of [CHAIR, LEADER, OWNER1, OWNER2])
      await expect(members.getByRole('row', { name: new RegExp(who.name) })).toBeVisible();
    await expect(
      admin.getByRole('table', { name: 'Invitations not yet accepted' }).getByRole('row', { name: /example\.test/ }),
    ).toHaveCount(0);

    // 4. The chair creates three projects for the two owners.
    for (const project of PROJECTS) {
      await chair.goto(`/forums/${FORUM.slug}`);
      await chair.getByRole('link', { name: 'New project' }).click();
      await expect(chair.getByRole('heading', { name: 'New project' })).toBeVisible();
      await chair.getByLabel('Name').fill(project.name);
      await chair.getByLabel('Description (optional)').fill(`${project.name}, owned by ${project.owner.name}.`);
      await chair.getByLabel('Owner').selectOption({ label: `${project.owner.name} (${project.owner.email})` });
      await chair.getByRole('button', { name: 'Create project' }).click();
      await expect(chair.getByRole('heading', { level: 1, name: project.name })).toBeVisible();
      await expect(chair.getByText(`Owner: ${project.owner.name}`)).toBeVisible();
    }

    // Each owner adds a goal to each of their projects from the project page.
    const ownerPage = (project: (typeof PROJECTS)[number]) => (project.owner === OWNER1 ? owner1 : owner2);
    for (const project of PROJECTS) {
      const page = ownerPage(project);
      await openProject(page, project.name);
      await page.getByRole('link', { name: 'Edit goals' }).click();
      await expect(page.getByRole('heading', { name: 'Goals' })).toBeVisible();
      await page.getByLabel('Title', { exact: true }).fill(project.goal.title);
      if (project.goal.kind === 'metric') {
        await page.getByRole('radio', { name: /^Metric/ }).check();
        await page.getByLabel('Unit', { exact: true }).fill('%');
        await page.getByLabel('Baseline', { exact: true }).fill('0');
        await page.getByLabel('Target', { exact: true }).fill('100');
        await page.getByRole('radio', { name: 'Higher is better' }).check();
      } else {
        await page.getByRole('radio', { name: /^Milestone/ }).check();
      }
      await page.getByRole('button', { name: 'Add goal' }).click();
      await expect(page.getByRole('link', { name: project.goal.title })).toBeVisible();
    }

    // 5. The owners post their statuses.
    for (const project of PROJECTS) {
      const page = ownerPage(project);
      await openProject(page, project.name);
      await page.getByRole('link', { name: 'Post or edit status' }).click();
      await expect(page.getByRole('heading', { name: 'Status update' })).toBeVisible();
      await page.getByRole('radio', { name: 'On track' }).check();
      if (project.goal.kind === 'metric') await page.getByLabel(`${project.goal.title} (%)`).fill('20');
      await page.getByLabel('Summary').fill(`${project.name}: first week done.`);
      await page.getByRole('button', { name: /Post status|Save changes/ }).click();
      await expect(page).toHaveURL(/#status-\d+$/);
      await expect(page.locator(new URL(page.url()).hash)).toContainText(`${project.name}: first week done.`);
    }

    // The chair starts the first meeting (early: it asks first), records a verdict on each item and closes it.
    await chair.goto(`/forums/${FORUM.slug}/meetings`);
    await chair.getByRole('table', { name: 'Upcoming meetings' }).getByRole('link').first().click();
    await expect(chair.getByRole('heading', { level: 1, name: /^Meeting of/ })).toBeVisible();
    await expect(chair.locator('.meeting-status')).toContainText('Planned');
    await chair.getByRole('button', { name: 'Start meeting' }).click();
    await expect(chair.getByRole('heading', { name: 'Start this meeting early?' })).toBeVisible();
    await chair.getByRole('button', { name: 'Start now anyway' }).click();
    await expect(chair.locator('.meeting-status')).toContainText('In progress');
    const items = chair.getByRole('article');
    await expect(items).toHaveCount(PROJECTS.length);
    for (let i = 0; i < PROJECTS.length; i++) {
      const item = items.nth(i);
      await item.getByRole('radio', { name: 'On track' }).check();
      await item.getByRole('textbox', { name: /^Feedback for/ }).fill(`Good start (${i + 1}).`);
      await item.getByRole('button', { name: 'Record verdict' }).click();
      await expect(chair.locator('.meeting-status')).toContainText(`${i + 1} of ${PROJECTS.length} reviewed`);
    }
    await chair.getByRole('button', { name: 'Close meeting' }).click();
    const summary = chair.getByRole('region', { name: 'Closing will do this' });
    await expect(summary).toContainText(`${PROJECTS.length} verdicts recorded`);
    await expectNoAxeViolations(chair);
    await summary.getByRole('button', { name: 'Confirm and close' }).click();
    await expect(chair.locator('.meeting-status')).toContainText('Closed');

    // 6. The dashboard shows each project with its level.
    for (const page of [chair, leader]) {
      await page.goto(`/forums/${FORUM.slug}`);
      const table = page.getByRole('table', { name: /^Projects in/ });
      await expect(table.getByRole('row')).toHaveCount(PROJECTS.length + 1);
      for (const project of PROJECTS)
        await expect(table.getByRole('row', { name: new RegExp(project.name) })).toContainText(/Tight|Standard|Light/);
    }
    await expectNoAxeViolations(leader);
    expect(errors).toEqual([]);
  } catch (err) {
    // The server's own output explains a failure the browser cannot.
    if (log()) console.error(`--- server output ---\n${log()}`);
    throw err;
  } finally {
    for (const context of contexts) await context.close().catch(() => undefined);
    await stopServer(server);
  }
}

test.describe('acceptance: a real team from an empty database to its first closed meeting (issue #14)', () => {
  test('on the embedded database', async ({ browser }) => {
    test.setTimeout(240_000);
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'inspection-forum-accept-'));
    try {
      await runAcceptance(browser, { DATA_DIR: dataDir });
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test('on PostgreSQL', async ({ browser }) => {
    test.setTimeout(240_000);
    try {
      await adminQuery(PG_SERVER, 'SELECT 1');
    } catch (err) {
      throw new Error(
        `The PostgreSQL variant needs a server at ${PG_SERVER} (user postgres, trust auth): ${err instanceof Error ? err.message : String(err)}`,
      );
    }
    const name = `if_accept_${crypto.randomBytes(5).toString('hex')}`;
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'inspection-forum-accept-pg-'));
    await adminQuery(PG_SERVER, `CREATE DATABASE ${name}`);
    try {
      await runAcceptance(browser, { DATA_DIR: dataDir, DATABASE_URL: withDatabase(PG_SERVER, name) });
    } finally {
      await adminQuery(PG_SERVER, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
