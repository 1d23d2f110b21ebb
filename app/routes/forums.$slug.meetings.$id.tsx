import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useLocation } from '@remix-run/react';
import { useEffect } from 'react';
import { DiscussedItem, type Item } from '~/components/meetings/agenda-item';
import { CloseMeetingForm, LevelChanges } from '~/components/meetings/close-meeting';
import { ConsentAgenda } from '~/components/meetings/consent-agenda';
import { MeetingStateBadge } from '~/components/meetings/meeting-state';
import { ReviewLoadSummary } from '~/components/review-load';
import { ErrorList } from '~/components/ui/field';
import { requireForumRole } from '~/modules/auth/guards.server';
import { SECTION_TITLES } from '~/modules/meetings/agenda';
import { invalidFormResponse, parseMeetingId, refusalResponse, runMeetingAction } from '~/modules/meetings/meeting-actions.server';
import { loadMeetingView } from '~/modules/meetings/meeting-page.server';
import { MEETING_RUNNERS, MeetingActionSchema, runsMeetings } from '~/modules/meetings/meetings';
import { getDb } from '~/utils/db.server';
import { formatDateTime } from '~/utils/format';
import { formValues, parseFormData } from '~/utils/forms';
import { invariantResponse } from '~/utils/http.server';

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `Meeting of ${formatDateTime(data.view.meeting.scheduledAt, data.forum.timeZone)} · ${data.forum.name}` : 'Meeting · Inspection Forum' },
];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const db = getDb();
  const { forum, role } = await requireForumRole(request, params.slug);
  const view = await loadMeetingView(db, { forumId: forum.id, meetingId: parseMeetingId(params.id) });
  invariantResponse(view, 'Meeting not found');
  return json({ forum, canRun: runsMeetings(role), view });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { forum, user } = await requireForumRole(request, params.slug, MEETING_RUNNERS);
  const meetingId = parseMeetingId(params.id);
  const formData = await request.formData();
  const parsed = parseFormData(formData, MeetingActionSchema);
  if (!parsed.ok) return invalidFormResponse(parsed);
  const result = await runMeetingAction(getDb(), { forumId: forum.id, meetingId, actorId: user.id, action: parsed.data, request });
  if (!result.ok) return refusalResponse(result, formValues(formData));
  return redirect(`/forums/${forum.slug}/meetings/${meetingId}#${result.value.anchor}`, 303);
}

/** After a verdict the page lands on the next item: put the keyboard on its verdict. */
function useFocusOnAnchor() {
  const { hash, key } = useLocation();
  useEffect(() => {
    const target = hash ? document.getElementById(decodeURIComponent(hash.slice(1))) : null;
    if (!target) return;
    const radio = target.querySelector<HTMLInputElement>('input[name="verdict"]:checked, input[name="verdict"]');
    (radio ?? target).focus();
  }, [hash, key]);
}

export default function MeetingPage() {
  const { forum, canRun, view } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  useFocusOnAnchor();
  const { meeting, items, progress } = view;
  const discussed = items.filter((i) => i.discussed);
  const consent = items.filter((i) => !i.discussed);
  const groups: { title: string; items: Item[] }[] = view.hasAgenda
    ? [
        { title: SECTION_TITLES.exception, items: discussed.filter((i) => i.section === 'exception') },
        { title: SECTION_TITLES.due, items: discussed.filter((i) => i.section === 'due') },
        { title: 'Pulled from the consent agenda', items: discussed.filter((i) => i.section === 'consent') },
      ]
    : [{ title: 'Reviews (this meeting’s agenda was not stored)', items: discussed }];
  const order = groups.flatMap((g) => g.items);
  const endAnchor = meeting.state === 'in_progress' && canRun ? 'close-meeting' : 'consent-agenda';
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
          {progress.reviewed} of {progress.discussed} reviewed
        </strong>
        {consent.length ? ` · ${consent.length} on the consent agenda` : ''}
        {meeting.closedAt ? ` · closed ${formatDateTime(meeting.closedAt, forum.timeZone)}${meeting.closedBy ? ` by ${meeting.closedBy}` : ''}` : ''}
      </p>
      {failure && !failure.projectId && failure.intent !== 'start' && failure.intent !== 'close' ? <ErrorList errors={failure.formErrors} /> : null}
      {canRun && meeting.state === 'planned' ? (
        <Form method="post" className="start-meeting">
          <input type="hidden" name="intent" value="start" />
          <p className="muted">Starting the meeting freezes this agenda and opens verdicts.</p>
          <ErrorList errors={failure?.intent === 'start' ? failure.formErrors : undefined} />
          <button type="submit" className="button">
            Start meeting
          </button>
        </Form>
      ) : null}
      {meeting.state === 'closed' ? <LevelChanges changes={view.levelChanges} /> : null}
      <ReviewLoadSummary load={view.load} timeZone={forum.timeZone} />

      <section id="agenda" aria-labelledby="agenda-title" tabIndex={-1}>
        <h2 id="agenda-title">Agenda</h2>
        {items.length === 0 ? <p className="muted">Nothing on the agenda: this forum has no active projects.</p> : null}
        {groups.map((g) =>
          g.items.length === 0 ? null : (
            <section key={g.title} className="agenda-section" aria-label={g.title}>
              <h3 className="section-title">
                {g.title} <span className="muted">({g.items.length})</span>
              </h3>
              {g.items.map((item) => {
                const at = order.indexOf(item);
                const next = order[at + 1];
                return (
                  <DiscussedItem
                    key={item.projectId}
                    item={item}
                    number={at + 1}
                    view={view}
                    canRun={canRun}
                    timeZone={forum.timeZone}
                    nextAnchor={next ? `item-${next.projectId}` : endAnchor}
                    failure={failure}
                  />
                );
              })}
            </section>
          ),
        )}
        <section id="consent-agenda" className="agenda-section" aria-labelledby="consent-title" tabIndex={-1}>
          <h3 id="consent-title" className="section-title">
            {SECTION_TITLES.consent} <span className="muted">({consent.length})</span>
          </h3>
          <p className="muted">Accepted without review when the meeting closes, unless pulled into discussion.</p>
          <ConsentAgenda items={consent} canPull={canRun && meeting.state !== 'closed'} failure={failure} />
        </section>
      </section>
      {canRun && meeting.state === 'in_progress' ? <CloseMeetingForm view={view} failure={failure} /> : null}
    </>
  );
}
