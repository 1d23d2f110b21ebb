import { MetricChart } from '~/components/charts';
import { GOAL_STATE_LABEL, formatGoalValue, metricProgress } from '~/modules/goals/goals';
import { formatDate } from '~/utils/format';
import type { ProjectPageData } from './types';

type Goal = ProjectPageData['goals'][number];

/** Each goal with its progress: metrics as actual vs target over time, milestones done or not. */
export function GoalProgressList({ goals, timeZone }: { goals: Goal[]; timeZone: string }) {
  if (goals.length === 0) return <p className="muted">No goals yet.</p>;
  return (
    <ul className="goal-list">
      {goals.map((g) => (
        <li key={g.id} className="card goal-card">
          <h3>
            {g.title} <GoalStateBadge goal={g} />
          </h3>
          <p className="muted">{g.dueDate ? `Due ${formatDate(g.dueDate, 'UTC')}` : 'No due date'}</p>
          {g.kind === 'metric' ? (
            <MetricGoal goal={g} timeZone={timeZone} />
          ) : (
            <MilestoneGoal goal={g} timeZone={timeZone} />
          )}
          {g.changes.length > 0 ? (
            <details>
              <summary>Changes to this goal ({g.changes.length})</summary>
              <ul>
                {g.changes.map((c, i) => (
                  <li key={i}>
                    {formatDate(c.at, timeZone)}: {c.text}
                  </li>
                ))}
              </ul>
            </details>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

/** The goal's state; an active milestone reported done is shown as done, not also as "Active". */
function GoalStateBadge({ goal }: { goal: Goal }) {
  if (goal.state === 'active' && goal.kind === 'milestone' && goal.milestone?.done)
    return <span className="badge goal-achieved">Done</span>;
  return <span className={`badge goal-${goal.state}`}>{GOAL_STATE_LABEL[goal.state]}</span>;
}

function MetricGoal({ goal, timeZone }: { goal: Goal; timeZone: string }) {
  const points = goal.points;
  const latest = points.at(-1);
  const progress = metricProgress(goal, latest?.value ?? null);
  const targets = goal.targets.flatMap((t) => (t.target === null ? [] : [{ at: t.at, target: t.target }]));
  return (
    <>
      <p>
        {latest ? `Latest ${formatGoalValue(latest.value, goal)}` : 'No value yet'} · baseline{' '}
        {formatGoalValue(goal.baseline, goal)} · target {formatGoalValue(goal.target, goal)}
        {progress !== null ? (
          <>
            {' '}
            ·{' '}
            <meter
              min={0}
              max={100}
              value={Math.round(progress * 100)}
              aria-label={`${goal.title}: progress to target`}
            />{' '}
            {Math.round(progress * 100)}% of the way
          </>
        ) : null}
      </p>
      {goal.baseline !== null && goal.target !== null ? (
        <MetricChart
          title={goal.title}
          unit={goal.unit}
          baseline={goal.baseline}
          target={goal.target}
          direction={goal.direction}
          points={points}
          targets={targets}
          timeZone={timeZone}
        />
      ) : null}
    </>
  );
}

function MilestoneGoal({ goal, timeZone }: { goal: Goal; timeZone: string }) {
  const latest = goal.milestone;
  if (!latest) return <p className="muted">Not reported yet.</p>;
  return (
    <p>
      {latest.done ? <strong className="health-on_track">Done</strong> : <strong>Not done</strong>}
      {latest.done && latest.firstDoneAt
        ? ` (reported done ${formatDate(latest.firstDoneAt, timeZone)})`
        : ` (as of ${formatDate(latest.at, timeZone)})`}
      {latest.note ? ` · ${latest.note}` : ''}
      {latest.reopened.map((r, i) => (
        <span key={i} className="muted">
          {' '}
          · Reopened {formatDate(r.at, timeZone)}: {r.note}
        </span>
      ))}
    </p>
  );
}
