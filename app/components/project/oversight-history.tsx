import { Form, useLocation, useNavigation } from '@remix-run/react';
import { Link } from '~/components/ui/link';
import { LevelHistoryChart } from '~/components/charts';
import { Pagination } from '~/components/pagination';
import { DataTable, type DataColumn } from '~/components/ui/data-table';
import { ErrorList, SelectField, TextareaField } from '~/components/ui/field';
import { REASON_MAX } from '~/modules/oversight/override';
import { LEVEL_OPTIONS, levelLabel } from '~/oversight';
import { formatDate, formatDateTime } from '~/utils/format';
import { withPageParam } from '~/utils/paging';
import type { PagedList, ProjectPageData } from './types';
import type { ActionFailure } from '~/utils/forms';

type OversightEvent = ProjectPageData['events'][number];

function columns(timeZone: string): DataColumn<OversightEvent>[] {
  return [
    { id: 'at', header: 'Date', accessorFn: (e) => e.at, cell: ({ row }) => formatDateTime(row.original.at, timeZone) },
    {
      id: 'change',
      header: 'Level',
      accessorFn: (e) => e.to,
      cell: ({ row }) => {
        const e = row.original;
        return e.from === e.to ? (
          <span className="muted">Stays {levelLabel(e.to)}</span>
        ) : (
          <strong className={`level-change level-${e.to}`}>
            {levelLabel(e.from)} → {levelLabel(e.to)}
          </strong>
        );
      },
    },
    { id: 'rule', header: 'Rule', accessorFn: (e) => e.ruleName },
    { id: 'explanation', header: 'Explanation', accessorFn: (e) => e.explanation },
    {
      id: 'by',
      header: 'By',
      accessorFn: (e) => e.actor,
      cell: ({ row }) => {
        const e = row.original;
        return (
          <>
            {e.actor ?? 'Engine'}
            {e.meetingAt ? <div className="muted">Meeting of {formatDate(e.meetingAt, timeZone)}</div> : null}
          </>
        );
      },
    },
  ];
}

/** The override form's failure (the page's ActionFailure). */
export type OverrideFormState = Pick<ActionFailure, 'fieldErrors' | 'formError' | 'values'>;

/**
 * The level over time, one page of the explained events (newest first; all, or level changes only) and, for
 * chairs and leaders, the override form.
 */
export function OversightHistory({
  events,
  eventCount,
  changesOnly,
  levelPoints,
  currentLevel,
  now,
  timeZone,
  canOverride,
  override,
}: {
  events: PagedList<OversightEvent>;
  eventCount: number;
  changesOnly: boolean;
  levelPoints: ProjectPageData['levelPoints'];
  currentLevel: string;
  now: string;
  timeZone: string;
  canOverride: boolean;
  override: OverrideFormState | undefined;
}) {
  const { search } = useLocation();
  const toggle = new URLSearchParams(search);
  toggle.delete('history');
  if (changesOnly) toggle.set('events', 'all');
  else toggle.delete('events');
  return (
    <>
      <LevelHistoryChart points={levelPoints} until={now} timeZone={timeZone} />
      {canOverride ? <OverrideForm currentLevel={currentLevel} state={override} /> : null}
      <p>
        {changesOnly ? 'Level changes, newest first. ' : 'Every event, newest first. '}
        <Link to={`?${toggle}#oversight-history`} preventScrollReset>
          {changesOnly ? `Show all ${eventCount} events` : 'Show level changes only'}
        </Link>
      </p>
      <DataTable
        caption={changesOnly ? 'Oversight level changes' : 'Oversight events'}
        columns={columns(timeZone)}
        data={events.items}
        getRowId={(e) => String(e.seq)}
        empty={changesOnly ? 'No level changes yet.' : 'No oversight events yet.'}
        priority={['at', 'change', 'explanation']}
      />
      <Pagination
        label="Oversight event pages"
        page={events.page}
        pages={events.pages}
        href={(n) => `${withPageParam(search, 'history', n)}#oversight-history`}
      />
    </>
  );
}

function OverrideForm({ currentLevel, state }: { currentLevel: string; state: OverrideFormState | undefined }) {
  const navigation = useNavigation();
  const values = state?.values ?? {};
  return (
    <details className="card override" open={Boolean(state)}>
      <summary>Override the level</summary>
      <Form method="post" noValidate preventScrollReset>
        <input type="hidden" name="intent" value="override" />
        {state?.formError ? (
          <div className="form-error" role="alert">
            <ErrorList errors={[state.formError]} />
          </div>
        ) : null}
        <SelectField
          label="New level"
          name="level"
          options={LEVEL_OPTIONS}
          defaultValue={values.level ?? currentLevel}
          errors={state?.fieldErrors.level}
        />
        <TextareaField
          label="Reason"
          name="reason"
          rows={3}
          maxLength={REASON_MAX}
          hint="Required: say why, e.g. the corrective plan agreed. Resets the streak, recent misses and escalation."
          defaultValue={values.reason ?? ''}
          errors={state?.fieldErrors.reason}
        />
        <button type="submit" className="button" disabled={navigation.state === 'submitting'}>
          Override level
        </button>
      </Form>
    </details>
  );
}
