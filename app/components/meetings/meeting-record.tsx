import { Form } from '@remix-run/react';
import { ErrorList, TextareaField } from '~/components/ui/field';
import { formErrorOf, type Failure } from './failure';

export interface AttendanceData {
  recorded: boolean;
  attendees: { id: number; name: string }[];
  members: { id: number; name: string; attended: boolean }[];
}

/**
 * Who attended and the meeting's notes. Everyone reads them; the chair records them here (plain forms, so they work
 * without JavaScript). Until the chair saves attendance, the members seen acting in the meeting start ticked.
 */
export function MeetingRecord({
  attendance,
  notes,
  notesHtml,
  isChair,
  canRecordAttendance,
  failure,
}: {
  attendance: AttendanceData;
  notes: string;
  notesHtml: string;
  isChair: boolean;
  canRecordAttendance: boolean;
  failure?: Failure;
}) {
  const attendanceFailure = failure?.intent === 'attendance' ? failure : undefined;
  const notesFailure = failure?.intent === 'notes' ? failure : undefined;
  return (
    <section id="meeting-record" className="card" aria-labelledby="meeting-record-title" tabIndex={-1}>
      <h2 id="meeting-record-title">Attendance and notes</h2>
      {isChair && canRecordAttendance ? (
        <Form method="post" id="attendance">
          <input type="hidden" name="intent" value="attendance" />
          <fieldset className="attendance">
            <legend>Who attended</legend>
            {attendance.recorded ? null : (
              <p className="muted">Not recorded yet: members who acted in this meeting are ticked.</p>
            )}
            <ErrorList
              errors={[...(formErrorOf(attendanceFailure) ?? []), ...(attendanceFailure?.fieldErrors.attendees ?? [])]}
            />
            {attendance.members.map((m) => (
              <div key={m.id} className="field checkbox">
                <label>
                  <input type="checkbox" name="attendees" value={m.id} defaultChecked={m.attended} /> {m.name}
                </label>
              </div>
            ))}
          </fieldset>
          <button type="submit" className="button secondary">
            Save attendance
          </button>
        </Form>
      ) : (
        <p>
          <strong>{attendance.recorded ? 'Attended' : 'Seen in this meeting'}:</strong>{' '}
          {attendance.attendees.length ? attendance.attendees.map((a) => a.name).join(', ') : 'nobody recorded'}
        </p>
      )}
      <h3>Notes</h3>
      {notesHtml ? (
        <div className="markdown meeting-notes" dangerouslySetInnerHTML={{ __html: notesHtml }} />
      ) : (
        <p className="muted">No notes yet.</p>
      )}
      {isChair ? (
        <Form method="post" id="notes">
          <input type="hidden" name="intent" value="notes" />
          <ErrorList errors={formErrorOf(notesFailure)} />
          <TextareaField
            label="Meeting notes (Markdown)"
            name="notes"
            rows={6}
            defaultValue={notesFailure?.values.notes ?? notes}
            errors={notesFailure?.fieldErrors.notes}
            hint="Headings, lists, links and emphasis are shown; HTML is shown as text."
          />
          <button type="submit" className="button secondary">
            Save notes
          </button>
        </Form>
      ) : null}
    </section>
  );
}
