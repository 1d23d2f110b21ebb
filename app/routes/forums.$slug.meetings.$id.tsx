import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { useActionData, useLoaderData, useLocation } from '@remix-run/react';
import { Link } from '~/components/ui/link';
import { useEffect } from 'react';
import { DiscussedItem, type DiscussedItemData } from '~/components/meetings/agenda-item';
import { CloseMeetingForm, LevelChanges } from '~/components/meetings/close-meeting';
import { formErrorOf } from '~/components/meetings/failure';
import { ConsentAgenda } from '~/components/meetings/consent-agenda';
import { useLiveRefresh } from '~/components/meetings/live-refresh';
import { MeetingLifecycle } from '~/components/meetings/meeting-lifecycle';
import { MeetingRecord } from '~/components/meetings/meeting-record';
import { MeetingStateBadge } from '~/components/meetings/meeting-state';
import { StartMeeting } from '~/components/meetings/start-meeting';
import { Pagination } from '~/components/pagination';
import { ReviewLoadSummary } from '~/components/review-load';
import { ErrorList } from '~/components/ui/field';
import { requireForumRole } from '~/modules/auth/guards.server';
import { SECTION_TITLES } from '~/modules/meetings/agenda';
import {
  invalidFormResponse,
  parseMeetingId,
  refusalResponse,
  runMeetingAction,
} from '~/modules/meetings/meeting-actions.server';
import { loadVerdictConsequences } from '~/modules/meetings/consequences.server';
import {
  AttendanceSchema,
  chairMeetingIntent,
  ChairMeetingSchema,
  type ChairMeetingAction,
} from '~/modules/meetings/lifecycle';
import { loadAttendance, recordAttendance, saveMeetingNotes } from '~/modules/meetings/attendance.server';
import { moveMeeting, skipMeeting } from '~/modules/meetings/lifecycle.server';
import { loadMeetingPageView, loadMeetingWhole } from '~/modules/meetings/meeting-page.server';
import { IdParamSchema, MEETING_RUNNERS, MeetingActionSchema, runsMeetings } from '~/modules/meetings/meetings';
import { can } from '~/modules/auth/can';
import { getDb } from '~/utils/db.server';
import { forumPageData, forumValue } from '~/utils/page-cache.server';
import { formatDateTime } from '~/utils/format';
import { formValues, parseFormData, type FormResult } from '~/utils/forms';
import { keepKnownQuery, invariantResponse } from '~/utils/http.server';
import { readPageParam, withPageParam } from '~/utils/paging';
import { pageData } from '~/utils/page-data.server';

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  {
    title: data
      ? `Meeting of ${formatDateTime(data.view.meeting.scheduledAt, data.forum.timeZone)} · ${data.forum.name}`
      : 'Meeting · Inspection Forum',
  },
];

export async function loader({ request, params }: LoaderFunctionArgs) {
  keepKnownQuery(request, ['item', 'saved', 'page', 'consent']);
  const db = getDb();
  const { forum, role } = await requireForumRole(request, params.slug);
  const meetingId = parseMeetingId(params.id);
  const { searchParams } = new URL(request.url);
  const item = IdParamSchema.safeParse(searchParams.get('item') ?? undefined);
  const at = {
    page: readPageParam(searchParams, 'page'),
    consentPage: readPageParam(searchParams, 'consent'),
    item: item.success ? item.data : undefined,
  };
  // The attendance, not cached with the view: it changes with the audit log (the guess), which the forum's data
  // version does not follow. Read beside the view.
  const attendanceRead = loadAttendance(db, { forumId: forum.id, meetingId });
  attendanceRead.catch(() => {}); // awaited below
  // What the page shows of the whole meeting (its agenda's order and counts, review load, members), kept per forum
  // data version for all its pages (decision 028); one page of the agenda (the whole record of the items shown
  // only, their owners' markdown rendered), cached per forum data version and page.
  const paged = await forumPageData(
    forum,
    `meeting:${meetingId}:${at.page}:${at.consentPage}:${at.item ?? ''}`,
    async () => {
      const whole = forumValue(
        forum,
        `meeting-whole:${meetingId}`,
        () => loadMeetingWhole(db, { forumId: forum.id, meetingId }),
        // An outline item is a few hundred bytes; the rest, a few kilobytes.
        (w) => 4_000 + 300 * (w ? w.discussedAll.length + w.consentAll.length : 0),
      );
      const loaded = await loadMeetingPageView(db, { forumId: forum.id, meetingId, ...at, whole });
      invariantResponse(loaded, 'Meeting not found');
      // What each verdict choice on this page's items will do at the close: a preview from the engine, in progress
      // only (a planned or closed meeting's page asks nothing more).
      const only = loaded.discussed.items.map((i) => i.projectId);
      const consequences =
        loaded.meeting.state === 'in_progress'
          ? await loadVerdictConsequences(db, { forumId: forum.id, meetingId, only })
          : {};
      return { ...loaded, consequences };
    },
  );
  const canRun = runsMeetings(role);
  const recording = canRun && paged.meeting.state === 'in_progress';
  // The members are the action-item forms' assignees, the consequences the verdict forms' notes: only for those forms.
  const members = recording ? paged.members : [];
  const consequences = recording
    ? Object.fromEntries(paged.discussed.items.map((i) => [i.projectId, paged.consequences[i.projectId] ?? []]))
    : {};
  const saved = IdParamSchema.safeParse(searchParams.get('saved') ?? undefined);
  const attendance = await attendanceRead;
  invariantResponse(attendance, 'Meeting not found');
  return pageData({
    forum,
    canRun,
    attendance,
    savedProjectId: saved.success ? saved.data : null,
    isChair: can({ role }, 'manage-action-items'),
    view: { ...paged, members, consequences },
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const formData = await request.formData();
  // Moving and skipping a meeting, attendance and notes are the chair's (docs/decisions/013); the other forms are every
  // meeting runner's.
  const chairIntent = chairMeetingIntent(formData);
  if (chairIntent) return chairAction(request, params, formData, chairIntent);
  const { forum, user } = await requireForumRole(request, params.slug, MEETING_RUNNERS);
  const meetingId = parseMeetingId(params.id);
  const parsed = parseFormData(formData, MeetingActionSchema);
  if (!parsed.ok) return invalidFormResponse(parsed);
  const result = await runMeetingAction(getDb(), {
    forumId: forum.id,
    meetingId,
    actorId: user.id,
    action: parsed.data,
    request,
  });
  if (!result.ok) return refusalResponse(result.failure, formValues(formData));
  // An early start or a close answers with what it will do; the confirming form sends confirm=yes.
  if ('confirm' in result.value) return json({ confirm: result.value.confirm });
  return redirect(`/forums/${forum.slug}/meetings/${meetingId}${anchorHref(result.value.anchor)}`, 303);
}

async function chairAction(
  request: Request,
  params: ActionFunctionArgs['params'],
  formData: FormData,
  intent: ChairMeetingAction['intent'],
) {
  const { forum, user } = await requireForumRole(request, params.slug, ['chair']);
  const meetingId = parseMeetingId(params.id);
  const parsed = parseChairForm(formData, intent);
  if (!parsed.ok) return invalidFormResponse(parsed);
  const base = { forumId: forum.id, meetingId, actorId: user.id, request };
  const db = getDb();
  const action = parsed.data;
  const result =
    action.intent === 'skip'
      ? await skipMeeting(db, { ...base, reason: action.reason })
      : action.intent === 'move'
        ? await moveMeeting(db, { ...base, date: action.date, time: action.time })
        : action.intent === 'attendance'
          ? await recordAttendance(db, { ...base, userIds: action.attendees })
          : await saveMeetingNotes(db, { ...base, notes: action.notes });
  if (!result.ok) return refusalResponse(result.failure, formValues(formData));
  const anchor = action.intent === 'attendance' || action.intent === 'notes' ? '#meeting-record' : '';
  return redirect(`/forums/${forum.slug}/meetings/${meetingId}${anchor}`, 303);
}

/** The chair's forms: attendance's ticked boxes are one field sent many times, read as a list. */
function parseChairForm(formData: FormData, intent: ChairMeetingAction['intent']): FormResult<ChairMeetingAction> {
  if (intent !== 'attendance') return parseFormData(formData, ChairMeetingSchema);
  const unknown = [...new Set(formData.keys())].filter((k) => k !== 'intent' && k !== 'attendees');
  if (unknown.length)
    return {
      ok: false,
      fieldErrors: {},
      formErrors: [`Unexpected field${unknown.length > 1 ? 's' : ''}: ${unknown.slice(0, 5).join(', ')}`],
      values: { intent: 'attendance' },
    };
  const parsed = AttendanceSchema.safeParse({ intent: 'attendance', attendees: formData.getAll('attendees') });
  if (parsed.success) return { ok: true, data: parsed.data };
  return {
    ok: false,
    fieldErrors: { attendees: [...new Set(parsed.error.issues.map((i) => i.message))] },
    formErrors: [],
    values: { intent: 'attendance' },
  };
}

/** After a verdict the page stays on its item: put the keyboard on the link to the next one (else on the verdict). */
function useFocusOnAnchor() {
  const { hash, key } = useLocation();
  useEffect(() => {
    const target = hash ? document.getElementById(decodeURIComponent(hash.slice(1))) : null;
    if (!target) return;
    const next = target.querySelector<HTMLAnchorElement>('.saved-note a');
    const radio = target.querySelector<HTMLInputElement>('input[name="verdict"]:checked, input[name="verdict"]');
    (next ?? radio ?? target).focus();
  }, [hash, key]);
}

/** The URL of an anchor on the meeting page: an item's is on the page that holds it (?item=). */
function anchorHref(anchor: string): string {
  const saved = /^saved-(\d+)$/.exec(anchor);
  if (saved) return `?item=${saved[1]}&saved=${saved[1]}#item-${saved[1]}`;
  const item = /^item-(\d+)$/.exec(anchor);
  return item ? `?item=${item[1]}#${anchor}` : `#${anchor}`;
}

export default function MeetingPage() {
  const { forum, canRun, isChair, savedProjectId, view, attendance } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const failure = actionData && 'fieldErrors' in actionData ? actionData : undefined;
  const confirm = actionData && 'confirm' in actionData ? actionData.confirm : undefined;
  useFocusOnAnchor();
  const { meeting, discussed, consent, counts, progress } = view;
  // Not while a confirmation or a refused form is shown: that answer is what the user is reading.
  useLiveRefresh(meeting.state === 'in_progress' && !actionData);
  const { search } = useLocation();
  const groupTitle = (i: DiscussedItemData) =>
    view.hasAgenda
      ? i.section === 'consent'
        ? 'Pulled from the consent agenda'
        : SECTION_TITLES[i.section]
      : 'Reviews';
  const groupCount = (i: DiscussedItemData) =>
    view.hasAgenda ? (i.section === 'consent' ? counts.pulled : counts[i.section]) : discussed.total;
  // The page's items under their section headings (a section may start on an earlier page).
  const groups: { title: string; count: number; items: DiscussedItemData[] }[] = [];
  for (const i of discussed.items) {
    const title = groupTitle(i);
    if (groups.at(-1)?.title !== title) groups.push({ title, count: groupCount(i), items: [] });
    groups.at(-1)?.items.push(i);
  }
  const endHref = meeting.state === 'in_progress' && canRun ? '#close-meeting' : '#consent-agenda';
  const base = `/forums/${forum.slug}/meetings`;
  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to={`/forums/${forum.slug}`}>{forum.name}</Link> › <Link to={base}>Meetings</Link>
      </nav>
      <div className="page-head">
        <h1>Meeting of {formatDateTime(meeting.scheduledAt, forum.timeZone)}</h1>
        <p className="page-links">
          <a href={`${base}/${meeting.id}/minutes.md`} download>
            Minutes (Markdown)
          </a>
        </p>
      </div>
      <p className="meeting-status">
        <MeetingStateBadge state={meeting.state} />{' '}
        <strong>
          {progress.reviewed} of {progress.discussed} {meeting.state === 'closed' ? 'were reviewed' : 'reviewed'}
        </strong>
        {consent.total ? ` · ${consent.total} ${meeting.state === 'closed' ? 'were on' : 'on'} the consent agenda` : ''}
        {meeting.closedAt
          ? ` · closed ${formatDateTime(meeting.closedAt, forum.timeZone)}${meeting.closedBy ? ` by ${meeting.closedBy}` : ''}`
          : ''}
      </p>
      {meeting.state === 'skipped' ? (
        <p className="notice" id="skipped-notice">
          Skipped — {meeting.skipReason}
          {meeting.skippedBy ? ` (by ${meeting.skippedBy})` : ''}. This meeting is not held: no status was due for it
          and no level changed.
        </p>
      ) : null}
      {failure &&
      !failure.projectId &&
      !['start', 'close', 'skip', 'move', 'attendance', 'notes'].includes(failure.intent ?? '') ? (
        <ErrorList errors={formErrorOf(failure)} />
      ) : null}
      {canRun && meeting.state === 'planned' ? (
        <StartMeeting
          view={view}
          failure={failure}
          early={confirm?.intent === 'start' ? confirm.early : undefined}
          timeZone={forum.timeZone}
        />
      ) : null}
      {isChair && meeting.state === 'planned' ? (
        <MeetingLifecycle scheduledAt={meeting.scheduledAt} timeZone={forum.timeZone} failure={failure} />
      ) : null}
      {meeting.state === 'closed' ? <LevelChanges changes={view.levelChanges} /> : null}
      <ReviewLoadSummary load={view.load} timeZone={forum.timeZone} />

      {meeting.state === 'skipped' ? null : (
        <section id="agenda" aria-labelledby="agenda-title" tabIndex={-1}>
          <h2 id="agenda-title">Agenda</h2>
          {discussed.total + consent.total === 0 ? (
            <p className="muted">Nothing on the agenda: this forum has no active projects.</p>
          ) : null}
          {discussed.pages > 1 ? (
            <p className="muted">
              {/* The items' own numbers: a value imported from a .server module is undefined in the browser (issue #21.6). */}
              Items {discussed.items[0]?.number}–{discussed.items.at(-1)?.number} of {discussed.total} to discuss.
            </p>
          ) : null}
          {groups.map((g) => (
            <section key={g.title} className="agenda-section" aria-label={g.title}>
              <h3 className="section-title">
                {g.title} <span className="muted">({g.count})</span>
              </h3>
              {g.items.map((item) => (
                <DiscussedItem
                  key={item.projectId}
                  item={item}
                  view={view}
                  canRun={canRun}
                  timeZone={forum.timeZone}
                  nextHref={item.nextProjectId === null ? endHref : anchorHref(`item-${item.nextProjectId}`)}
                  failure={failure}
                  actionItemHref={isChair ? (id) => `/forums/${forum.slug}/action-items/${id}` : undefined}
                  consequences={view.consequences[item.projectId]}
                  saved={savedProjectId === item.projectId}
                />
              ))}
            </section>
          ))}
          <Pagination
            label="Agenda pages"
            page={discussed.page}
            pages={discussed.pages}
            href={(n) => `${withPageParam(search, 'page', n, ['item', 'saved'])}#agenda`}
          />
          <section id="consent-agenda" className="agenda-section" aria-labelledby="consent-title" tabIndex={-1}>
            <h3 id="consent-title" className="section-title">
              {SECTION_TITLES.consent} <span className="muted">({consent.total})</span>
            </h3>
            <p className="muted">Accepted without review when the meeting closes, unless pulled into discussion.</p>
            <ConsentAgenda items={consent.items} canPull={canRun && meeting.state !== 'closed'} failure={failure} />
            <Pagination
              label="Consent agenda pages"
              page={consent.page}
              pages={consent.pages}
              href={(n) => `${withPageParam(search, 'consent', n, ['item', 'saved'])}#consent-agenda`}
            />
          </section>
        </section>
      )}
      <MeetingRecord
        attendance={attendance}
        notes={meeting.notes}
        notesHtml={view.notesHtml}
        isChair={isChair}
        canRecordAttendance={meeting.state === 'in_progress' || meeting.state === 'closed'}
        failure={failure}
      />
      {canRun && meeting.state === 'in_progress' ? (
        <CloseMeetingForm
          view={view}
          failure={failure}
          summary={confirm?.intent === 'close' ? confirm.summary : undefined}
          timeZone={forum.timeZone}
        />
      ) : null}
    </>
  );
}
