import type { SerializeFrom } from '@remix-run/node';
import { Form } from '@remix-run/react';
import { Link } from '~/components/ui/link';
import { useId } from 'react';
import { HealthBadge, OversightBadge } from '~/components/badges';
import { ErrorList, Field, SelectField } from '~/components/ui/field';
import type { MeetingPageView } from '~/modules/meetings/meeting-page.server';
import { goalProgress, VERDICTS } from '~/modules/meetings/meetings';
import { formatGoalValue } from '~/modules/goals/goals';
import { healthLabel } from '~/oversight';
import { formatDate } from '~/utils/format';
import { failureFor, formErrorOf, type Failure } from './failure';
import { ReviewConflict } from './review-conflict';
import { MeetingOverrideForm } from './meeting-override';
import { PutBackButton } from './put-back';
import { SavedNote } from './saved-note';
import { VerdictConsequence, type ConsequenceData } from './verdict-consequence';

export type View = SerializeFrom<MeetingPageView>;
export type DiscussedItemData = View['discussed']['items'][number];
export type ConsentItem = View['consent']['items'][number];
export type { Failure } from './failure';

function StatusReport({ item, closed }: { item: DiscussedItemData; closed: boolean }) {
  if (!item.health) {
    const none = closed ? 'No status was posted for this meeting.' : 'No status posted for this meeting.';
    return (
      <p className="muted">
        {item.latestHealth
          ? `${none} The owner’s latest status, ${healthLabel(item.latestHealth).toLowerCase()}, ${closed ? 'was' : 'is'} the self-report for the review.`
          : `${none} No status at all yet: a verdict ${closed ? 'was' : 'is'} scored as if the owner said on track.`}
      </p>
    );
  }
  return (
    <div className="status-report">
      <p>
        Owner&apos;s status: <HealthBadge health={item.health} />
        {item.late ? <span className="badge health-at_risk">late</span> : null}
      </p>
      {item.goals.length > 0 ? (
        <ul className="status-goals">
          {item.goals.map((g) => {
            const progress = goalProgress(g);
            const value =
              g.kind === 'milestone'
                ? g.done
                  ? 'done'
                  : 'not done'
                : `${formatGoalValue(g.value, g)} (from ${formatGoalValue(g.baseline, g)} to ${formatGoalValue(g.target, g)})`;
            return (
              <li key={g.title}>
                {g.title}: {value}
                {progress === null ? null : <span className="muted"> · {Math.round(progress * 100)}% of the way</span>}
              </li>
            );
          })}
        </ul>
      ) : null}
      {item.summaryHtml ? <div className="markdown" dangerouslySetInnerHTML={{ __html: item.summaryHtml }} /> : null}
      {item.risksHtml ? (
        <>
          <h4>Risks</h4>
          <div className="markdown" dangerouslySetInnerHTML={{ __html: item.risksHtml }} />
        </>
      ) : null}
      {item.asksHtml ? (
        <>
          <h4>Asks for help</h4>
          <div className="markdown" dangerouslySetInnerHTML={{ __html: item.asksHtml }} />
        </>
      ) : null}
    </div>
  );
}

function ReviewForm({
  item,
  failure,
  timeZone,
  consequences,
}: {
  item: DiscussedItemData;
  failure?: Failure;
  timeZone: string;
  consequences?: ConsequenceData[];
}) {
  const legendId = useId();
  const errorId = `${legendId}-error`;
  const verdictErrors = failure?.fieldErrors.verdict;
  const chosen = failure?.values.verdict ?? item.verdict ?? undefined;
  // The version this form shows; after a conflict, the colleague's, so sending again is a deliberate overwrite.
  const version = failure?.conflict?.version ?? item.reviewVersion ?? 0;
  return (
    <Form method="post" className="review-form" preventScrollReset>
      <input type="hidden" name="intent" value="review" />
      <input type="hidden" name="projectId" value={item.projectId} />
      <input type="hidden" name="version" value={version} />
      <ErrorList errors={formErrorOf(failure)} />
      {failure?.conflict ? <ReviewConflict conflict={failure.conflict} timeZone={timeZone} /> : null}
      <fieldset
        className="verdict"
        role="radiogroup"
        aria-labelledby={legendId}
        aria-describedby={verdictErrors?.length ? errorId : undefined}
        aria-invalid={verdictErrors?.length ? true : undefined}
      >
        <legend id={legendId}>Verdict on {item.project}</legend>
        {VERDICTS.map((v) => {
          const consequence = consequences?.find((c) => c.verdict === v);
          const consequenceId = `${legendId}-${v}-consequence`;
          return (
            <div key={v} className="verdict-choice">
              <label className={`radio health-${v}`}>
                <input
                  type="radio"
                  name="verdict"
                  value={v}
                  defaultChecked={chosen === v}
                  aria-describedby={consequence ? consequenceId : undefined}
                />{' '}
                {healthLabel(v)}
              </label>
              <VerdictConsequence id={consequenceId} consequence={consequence} />
            </div>
          );
        })}
        <ErrorList id={errorId} errors={verdictErrors} />
      </fieldset>
      <div className="field">
        <label htmlFor={`${legendId}-feedback`}>Feedback for {item.owner}</label>
        <textarea
          id={`${legendId}-feedback`}
          name="feedback"
          rows={2}
          maxLength={10_000}
          defaultValue={failure?.values.feedback ?? item.feedback ?? ''}
        />
        <ErrorList errors={failure?.fieldErrors.feedback} />
      </div>
      <button type="submit" className="button">
        {item.verdict ? 'Update verdict' : 'Record verdict'}
      </button>
    </Form>
  );
}

function ActionItemForm({
  item,
  members,
  failure,
}: {
  item: DiscussedItemData;
  members: View['members'];
  failure?: Failure;
}) {
  const errors = failure?.fieldErrors ?? {};
  return (
    <Form method="post" className="action-item-form" preventScrollReset>
      <input type="hidden" name="intent" value="action-item" />
      <input type="hidden" name="projectId" value={item.projectId} />
      <ErrorList errors={formErrorOf(failure)} />
      <Field
        label="New action item"
        name="text"
        maxLength={2000}
        required
        defaultValue={failure?.values.text ?? ''}
        errors={errors.text}
      />
      <SelectField
        label="Assignee"
        name="assigneeId"
        errors={errors.assigneeId}
        defaultValue={failure?.values.assigneeId ?? String(item.ownerId)}
        options={members.map((m) => ({ value: m.id, label: m.name }))}
      />
      <Field
        label="Due date"
        name="dueDate"
        type="date"
        defaultValue={failure?.values.dueDate ?? ''}
        errors={errors.dueDate}
      />
      <button type="submit" className="button secondary">
        Add action item
      </button>
    </Form>
  );
}

interface DiscussedItemProps {
  item: DiscussedItemData;
  view: View;
  canRun: boolean;
  timeZone: string;
  /** Where "Next item" goes: the next item (on whichever page holds it), or the end of the agenda. */
  nextHref: string;
  failure?: Failure;
  /** The edit page of an action item, for those who may change them (the chair). */
  actionItemHref?: (id: number) => string;
  /** What each verdict choice will do at the close (in-progress meetings, for those who record verdicts). */
  consequences?: ConsequenceData[];
  /** This item's verdict was just saved. */
  saved?: boolean;
}

/** One discussed agenda item: why it is here, the owner's status, the verdict and the action items. */
export function DiscussedItem({
  item,
  view,
  canRun,
  timeZone,
  nextHref,
  failure,
  actionItemHref,
  consequences,
  saved,
}: DiscussedItemProps) {
  const state = view.meeting.state;
  const recording = canRun && state === 'in_progress';
  return (
    <article
      id={`item-${item.projectId}`}
      className="agenda-item card"
      aria-labelledby={`item-${item.projectId}-title`}
      tabIndex={-1}
    >
      <header className="agenda-item-head">
        <h3 id={`item-${item.projectId}-title`}>
          {item.number}. {item.project}
        </h3>
        <span className="muted">{item.owner}</span> <OversightBadge level={item.level} escalated={item.escalated} />
      </header>
      <p className="reason">
        {item.pulled ? 'Pulled from the consent agenda. ' : ''}
        {item.reason}
      </p>
      <StatusReport item={item} closed={state === 'closed'} />
      {item.verdict ? (
        <p className="recorded-verdict">
          Verdict: <HealthBadge health={item.verdict} />{' '}
          <span className="muted">
            (self-report {healthLabel(item.reviewedSelfReport ?? item.selfReport).toLowerCase()}
            {item.reviewer ? `, by ${item.reviewer}` : ''})
          </span>
          {item.feedback ? <span className="feedback"> “{item.feedback}”</span> : null}
        </p>
      ) : state === 'closed' ? (
        <p className="muted">No verdict was recorded.</p>
      ) : null}
      {recording && saved && item.verdict ? <SavedNote nextHref={nextHref} nextProject={item.nextProject} /> : null}
      {/* Keyed by the verdict's version: when a refresh brings a colleague's verdict, the form shows it. */}
      {recording ? (
        <ReviewForm
          key={item.reviewVersion ?? 0}
          item={item}
          failure={failureFor(failure, 'review', item.projectId)}
          timeZone={timeZone}
          consequences={consequences}
        />
      ) : null}
      {recording && item.escalated ? (
        <MeetingOverrideForm
          projectId={item.projectId}
          project={item.project}
          level={item.level}
          failure={failureFor(failure, 'override', item.projectId)}
        />
      ) : null}
      {item.actionItems.length > 0 ? (
        <>
          <h4>Action items</h4>
          <ul className="action-items">
            {item.actionItems.map((a) => (
              <li key={a.id}>
                {a.doneAt ? <s>{a.text}</s> : a.text}{' '}
                <span className="muted">
                  — {a.assignee ?? 'unassigned'}
                  {a.dueDate ? `, due ${formatDate(a.dueDate, timeZone)}` : ''}
                  {a.doneAt ? ', done' : ''}
                </span>
                {actionItemHref ? (
                  <>
                    {' '}
                    <Link to={actionItemHref(a.id)}>
                      Edit<span className="skip-link"> action item: {a.text}</span>
                    </Link>
                  </>
                ) : null}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {/* Keyed by the items listed: once one is added the form starts empty again (issue #21.5); a refused one keeps its values. */}
      {recording ? (
        <ActionItemForm
          key={item.actionItems.map((a) => a.id).join(',')}
          item={item}
          members={view.members}
          failure={failureFor(failure, 'action-item', item.projectId)}
        />
      ) : null}
      <footer className="agenda-item-foot">
        {canRun && state !== 'closed' && item.section === 'consent' && item.pulled && !item.verdict ? (
          <PutBackButton
            projectId={item.projectId}
            project={item.project}
            failure={failureFor(failure, 'put-back', item.projectId)}
          />
        ) : null}
        {canRun && state !== 'planned' ? (
          <RequestNextButton
            projectId={item.projectId}
            project={item.project}
            failure={failureFor(failure, 'request', item.projectId)}
          />
        ) : null}
        <a href={nextHref} className="next-item">
          Next item<span className="skip-link"> after {item.project}</span>
        </a>
      </footer>
    </article>
  );
}

export function RequestNextButton({
  projectId,
  project,
  failure,
}: {
  projectId: number;
  project: string;
  failure?: Failure;
}) {
  return (
    <Form method="post" className="request-next" preventScrollReset>
      <input type="hidden" name="intent" value="request" />
      <input type="hidden" name="projectId" value={projectId} />
      <button type="submit" className="link-button">
        Ask for {project} at the next meeting
      </button>
      <ErrorList errors={[...(formErrorOf(failure) ?? []), ...(failure?.fieldErrors.projectId ?? [])]} />
    </Form>
  );
}
