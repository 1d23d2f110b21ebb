import { describe, expect } from 'vitest';
import type { LevelValue } from '../../db/database';
import { pullAgendaItem, startMeeting } from '../../app/modules/meetings/agenda.server';
import { closeMeeting } from '../../app/modules/meetings/close.server';
import {
  CONSENT_PAGE_SIZE,
  DISCUSSED_PAGE_SIZE,
  getMeetingPage,
  loadMeetingPageView,
  type MeetingItem,
} from '../../app/modules/meetings/meeting-page.server';
import { oneLine } from '../../app/modules/meetings/agenda';
import type { Executor } from '../../app/utils/db.server';
import { createProject, createReview, createStatus } from '../factories';
import { dbTest as test } from '../setup/test-db';
import { createMeetingWorld, type MeetingWorld } from './meetings-world';

/** The meeting world and 60 more projects: kickoff and at-risk exceptions, light and trusted consent items. */
async function bigWorld(db: Executor) {
  const w = await createMeetingWorld(db);
  for (let i = 0; i < 60; i++) {
    const level: LevelValue = i % 4 === 1 ? 'trusted' : i % 4 === 3 ? 'light' : 'standard';
    const project = await createProject(db, {
      forumId: w.forum.id,
      ownerId: (i % 2 ? w.users.ava : w.users.ben).id,
      name: `Extra ${String(i).padStart(2, '0')}`,
      level,
    });
    if (i % 4 !== 0)
      await createReview(db, { meetingId: w.past[2].id, projectId: project.id, reviewerId: w.users.chair.id });
    if (i % 5 !== 0)
      await createStatus(db, {
        projectId: project.id,
        meetingId: w.coming.id,
        authorId: (i % 2 ? w.users.ava : w.users.ben).id,
        health: i % 4 === 2 ? 'at_risk' : 'on_track',
        summary: `Extra ${i} **summary**\nsecond line`,
      });
  }
  return w;
}

/**
 * Every page of the meeting page, read page by page (the lean outline, then the page's items only), against the
 * whole meeting as the minutes read it, cut into pages: the same items in the same order, numbers across pages,
 * each item's next, the same records, counts and progress; `?item=` lands on the page holding the item.
 */
async function expectPagesCutFromTheWhole(db: Executor, w: MeetingWorld) {
  const at = { forumId: w.forum.id, meetingId: w.coming.id };
  const whole = (await getMeetingPage(db, at))!;
  const order = whole.hasAgenda
    ? (['exception', 'due', 'consent'] as const).flatMap((s) =>
        whole.items.filter((i) => i.discussed && i.section === s),
      )
    : whole.items.filter((i) => i.discussed);
  const consent = whole.items.filter((i) => !i.discussed);
  const pages = Math.max(Math.ceil(order.length / DISCUSSED_PAGE_SIZE), Math.ceil(consent.length / CONSENT_PAGE_SIZE));
  expect(pages).toBeGreaterThan(1);
  const record = ({ summary: _s, risks: _r, asks: _a, ...rest }: MeetingItem) => rest;
  for (let page = 1; page <= pages + 1; page++) {
    const view = (await loadMeetingPageView(db, { ...at, page, consentPage: page }))!;
    const first = (view.discussed.page - 1) * DISCUSSED_PAGE_SIZE;
    const expected = order.slice(first, first + DISCUSSED_PAGE_SIZE);
    expect(view.discussed).toMatchObject({
      page: Math.min(page, Math.max(1, Math.ceil(order.length / DISCUSSED_PAGE_SIZE))),
      total: order.length,
    });
    expect(
      view.discussed.items.map(({ summaryHtml: _s, risksHtml: _r, asksHtml: _a, ...i }) => ({
        ...i,
        goals: [...i.goals],
      })),
    ).toEqual(
      expected.map((i, n) => ({
        ...record(i),
        number: first + n + 1,
        nextProjectId: order[first + n + 1]?.projectId ?? null,
        nextProject: order[first + n + 1]?.project ?? null,
      })),
    );
    const consentFirst = (view.consent.page - 1) * CONSENT_PAGE_SIZE;
    expect(view.consent.total).toBe(consent.length);
    expect(view.consent.items).toEqual(
      consent.slice(consentFirst, consentFirst + CONSENT_PAGE_SIZE).map((i) => ({
        projectId: i.projectId,
        project: i.project,
        owner: i.owner,
        health: i.health,
        summary: oneLine(i.summary ?? ''),
        reason: i.reason,
      })),
    );
    expect(view.counts).toEqual({
      exception: order.filter((i) => i.section === 'exception').length,
      due: order.filter((i) => i.section === 'due').length,
      pulled: order.filter((i) => i.section === 'consent').length,
      missing: whole.items.filter((i) => !i.health).length,
    });
    expect(view.progress).toEqual(whole.progress);
    expect(view.hasAgenda).toBe(whole.hasAgenda);
  }
  for (const [n, item] of order.entries()) {
    const view = (await loadMeetingPageView(db, { ...at, page: 1, consentPage: 1, item: item.projectId }))!;
    expect(view.discussed.page).toBe(Math.floor(n / DISCUSSED_PAGE_SIZE) + 1);
    expect(view.discussed.items.find((i) => i.projectId === item.projectId)?.number).toBe(n + 1);
  }
  for (const [n, item] of consent.entries()) {
    const view = (await loadMeetingPageView(db, { ...at, page: 1, consentPage: 1, item: item.projectId }))!;
    expect(view.consent.page).toBe(Math.floor(n / CONSENT_PAGE_SIZE) + 1);
  }
  return { order, consent };
}

describe('the meeting page, a page at a time (issue #17)', () => {
  test('planned, with a pull: every page is the whole plan cut into pages', async ({ db }) => {
    const w = await bigWorld(db);
    const before = await expectPagesCutFromTheWhole(db, w);
    await pullAgendaItem(db, {
      forumId: w.forum.id,
      meetingId: w.coming.id,
      projectId: before.consent[3].projectId,
      actorId: w.users.leader.id,
    });
    const after = await expectPagesCutFromTheWhole(db, w);
    expect(after.order.at(-1)?.projectId).toBe(before.consent[3].projectId);
    expect(after.consent).toHaveLength(before.consent.length - 1);
  });

  test('in progress with verdicts, then closed: the stored agenda cut into pages', async ({ db }) => {
    const w = await bigWorld(db);
    const base = { forumId: w.forum.id, meetingId: w.coming.id, actorId: w.users.chair.id };
    expect((await startMeeting(db, { ...base, confirmed: true })).ok).toBe(true);
    const { order } = await expectPagesCutFromTheWhole(db, w);
    for (const item of order.slice(8, 14))
      await createReview(db, { meetingId: w.coming.id, projectId: item.projectId, reviewerId: w.users.chair.id });
    await expectPagesCutFromTheWhole(db, w);
    expect((await closeMeeting(db, base)).ok).toBe(true);
    await expectPagesCutFromTheWhole(db, w);
  });

  test('an unknown meeting is no page', async ({ db }) => {
    const w = await createMeetingWorld(db);
    expect(await loadMeetingPageView(db, { forumId: w.forum.id, meetingId: 999_999, page: 1, consentPage: 1 })).toBe(
      null,
    );
  });
});
