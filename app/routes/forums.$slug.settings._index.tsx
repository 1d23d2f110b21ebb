import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { json, redirect } from '@remix-run/node';
import { Form, useActionData, useLoaderData, useSearchParams } from '@remix-run/react';
import { MeetingPreview, ScheduleFields, useLivePreview } from '~/components/forum-schedule';
import { ErrorList, Field } from '~/components/ui/field';
import { can } from '~/modules/auth/can';
import { requireForumRole } from '~/modules/auth/guards.server';
import { ForumSettingsSchema, previewMeetings, timeZones, toSchedule } from '~/modules/forums/forums';
import {
  getForumSettings,
  previewForumSchedule,
  setForumArchived,
  updateForumGeneral,
  updateForumSchedule,
} from '~/modules/forums/forums.server';
import { getDb } from '~/utils/db.server';
import { formValues, parseFormData } from '~/utils/forms';
import { invalidForm, toActionFailure } from '~/utils/forms.server';

export async function loader({ request, params }: LoaderFunctionArgs) {
  const db = getDb();
  const { forum, role } = await requireForumRole(request, params.slug, ['chair', 'leader']);
  const settings = await getForumSettings(db, { forumId: forum.id });
  const upcoming = previewMeetings(toSchedule(settings), {
    lastHeld: settings.lastHeld,
    now: new Date(),
  });
  return json({
    settings,
    upcoming,
    canEdit: can({ role }, 'manage-forum'),
    zones: can({ role }, 'manage-forum') ? [...timeZones()] : [],
  });
}

/** The "Preview" button's answer without JavaScript: the next meeting dates of the schedule as typed. */
type Preview = {
  ok: true;
  intent: 'preview';
  values: Record<string, string>;
  preview: { dates: string[]; timeZone: string };
};

export async function action({ request, params }: ActionFunctionArgs) {
  const db = getDb();
  const access = await requireForumRole(request, params.slug, ['chair']);
  const formData = await request.formData();
  const parsed = parseFormData(formData, ForumSettingsSchema);
  if (!parsed.ok) return invalidForm(parsed, formValues(formData).intent ?? null);
  const form = parsed.data;
  const forumId = access.forum.id;
  const actorId = access.user.id;
  switch (form.intent) {
    case 'general': {
      const result = await updateForumGeneral(db, { forumId, name: form.name, slug: form.slug, actorId, request });
      if (!result.ok) return toActionFailure(result.failure, { intent: form.intent, values: formValues(formData) });
      return redirect(`/forums/${result.value.slug}/settings?saved=general`, 303);
    }
    case 'preview': {
      const { intent, ...schedule } = form;
      const dates = await previewForumSchedule(db, { forumId, schedule });
      return json<Preview>({
        ok: true,
        intent,
        values: formValues(formData),
        preview: { dates: dates.map((d) => d.toISOString()), timeZone: schedule.timeZone },
      });
    }
    case 'schedule': {
      const { intent: _intent, ...schedule } = form;
      await updateForumSchedule(db, { forumId, schedule, actorId, request });
      return redirect(`/forums/${access.forum.slug}/settings?saved=schedule`, 303);
    }
    case 'archive':
      await setForumArchived(db, { forumId, archived: true, actorId, request });
      return redirect('/?archived=1', 303);
  }
}

export default function ForumGeneralSettings() {
  const { settings, upcoming, canEdit, zones } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [search] = useSearchParams();
  const saved = search.get('saved');
  const { live, onChange } = useLivePreview(settings.lastHeld);
  // The schedule form has two buttons, "Preview" and "Save schedule": both answer in it (so does an unknown intent).
  const formOf = (intent: string | null) => (intent === 'general' || intent === 'archive' ? intent : 'schedule');
  const failure = result && !result.ok ? result : undefined;
  const failed = (form: 'general' | 'schedule' | 'archive') =>
    failure && formOf(failure.intent) === form ? failure : undefined;
  const errorsFor = (form: 'general' | 'schedule' | 'archive') => failed(form)?.fieldErrors;
  const { lastHeld: _lastHeld, ...stored } = settings;
  const shown = result?.ok ? result : failed('schedule');
  const valuesFor = (form: 'general' | 'schedule'): Record<string, string | number> => ({
    ...stored,
    ...(form === 'schedule' ? shown?.values : failed(form)?.values),
  });
  const formError = (form: 'general' | 'schedule' | 'archive') => {
    const message = failed(form)?.formError;
    return message ? (
      <p role="alert" className="form-error">
        {message}
      </p>
    ) : null;
  };
  const general = valuesFor('general');
  const preview = live ?? (result?.ok ? result.preview : null);
  return (
    <div className="stack narrow-left">
      {saved === 'general' ? (
        <p className="notice" role="status">
          Name and address saved.
        </p>
      ) : null}
      {saved === 'schedule' ? (
        <p className="notice" role="status">
          Schedule saved: planned meetings now follow it (meetings that have started or closed keep their dates).
        </p>
      ) : null}

      <section aria-labelledby="general-title">
        <h2 id="general-title">Name and address</h2>
        <Form method="post" noValidate className="card stack">
          <fieldset disabled={!canEdit} className="plain">
            <legend className="skip-link">Name and address</legend>
            <input type="hidden" name="intent" value="general" />
            {formError('general')}
            <Field
              label="Name"
              name="name"
              defaultValue={String(general.name)}
              errors={errorsFor('general')?.name}
              id="settings-name"
              maxLength={120}
              autoComplete="off"
            />
            <Field
              label="Address"
              name="slug"
              defaultValue={String(general.slug)}
              errors={errorsFor('general')?.slug}
              id="settings-slug"
              maxLength={63}
              autoComplete="off"
              hint="Changing it moves the forum to /forums/<address>: old links and calendar subscriptions stop working."
            />
            {canEdit ? (
              <button type="submit" className="button">
                Save name and address
              </button>
            ) : null}
          </fieldset>
        </Form>
      </section>

      <section aria-labelledby="schedule-title">
        <h2 id="schedule-title">Schedule</h2>
        <p className="muted">
          A change moves only planned meetings; a meeting that has started or closed keeps its date.
        </p>
        <Form method="post" noValidate className="card stack" onChange={canEdit ? onChange : undefined}>
          <fieldset disabled={!canEdit} className="plain">
            <legend className="skip-link">Schedule</legend>
            {formError('schedule')}
            <ScheduleFields values={valuesFor('schedule')} errors={errorsFor('schedule')} zones={zones} />
            {canEdit ? (
              <p className="actions">
                <button type="submit" name="intent" value="preview" className="button secondary">
                  Preview the next {upcoming.length} meetings
                </button>
                <button type="submit" name="intent" value="schedule" className="button">
                  Save schedule
                </button>
              </p>
            ) : null}
          </fieldset>
        </Form>
        {preview ? (
          <MeetingPreview
            title="With this schedule, the next meetings would be"
            dates={preview.dates}
            timeZone={preview.timeZone}
          />
        ) : (
          <MeetingPreview
            title="The next meetings"
            dates={upcoming.map((d) => String(d))}
            timeZone={settings.timeZone}
          />
        )}
      </section>

      {canEdit ? (
        <section aria-labelledby="archive-title">
          <h2 id="archive-title">Archive this forum</h2>
          <p className="muted">
            An archived forum leaves every member’s list and its pages close; nothing is deleted. An instance admin can
            restore it from Admin → Forums.
          </p>
          <Form method="post" noValidate className="card stack">
            <input type="hidden" name="intent" value="archive" />
            {formError('archive')}
            <div className="field">
              <label>
                <input
                  type="checkbox"
                  name="confirm"
                  value="archive"
                  aria-invalid={errorsFor('archive')?.confirm ? true : undefined}
                  aria-describedby={errorsFor('archive')?.confirm ? 'archive-confirm-error' : undefined}
                />{' '}
                Yes, archive {settings.name}
              </label>
              <ErrorList id="archive-confirm-error" errors={errorsFor('archive')?.confirm} />
            </div>
            <button type="submit" className="button danger">
              Archive forum
            </button>
          </Form>
        </section>
      ) : null}
    </div>
  );
}
