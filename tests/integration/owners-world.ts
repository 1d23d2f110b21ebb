import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { json } from '@remix-run/node';
import type { Executor } from '../../app/utils/db.server';
import { commitSessionCookie, createSession } from '../../app/modules/auth/session.server';
import type { MeetingState, Role } from '../../db/database';
import { addMember, createForum, createGoal, createMeeting, createProject, createUser } from '../factories';

// Shared by the owners-*.test.ts files: a forum with one user per role, an owner's project with a metric and
// a milestone goal, and the coming meeting; plus helpers to call a route module like Remix does.

export const DAY_MS = 86_400_000;

export async function signedInCookie(db: Executor, userId: number): Promise<string> {
  const token = await createSession(db, { userId, userAgent: null, ip: null });
  return (await commitSessionCookie(token)).split(';')[0];
}

export async function createOwnersWorld(
  db: Executor,
  { meetingIn = 3 * DAY_MS, meetingState = 'planned' }: { meetingIn?: number; meetingState?: MeetingState } = {},
) {
  const forum = await createForum(db);
  const roles = {
    chair: 'chair',
    leader: 'leader',
    owner: 'owner',
    otherOwner: 'owner',
    observer: 'observer',
  } as const satisfies Record<string, Role>;
  const users = {} as Record<keyof typeof roles | 'outsider', { id: number; cookie: string }>;
  for (const [key, role] of Object.entries(roles) as [keyof typeof roles, Role][]) {
    const user = await createUser(db, { name: key, passwordHash: 'unused' });
    await addMember(db, { forumId: forum.id, userId: user.id, role });
    users[key] = { id: user.id, cookie: await signedInCookie(db, user.id) };
  }
  const outsider = await createUser(db, { name: 'outsider', passwordHash: 'unused' });
  users.outsider = { id: outsider.id, cookie: await signedInCookie(db, outsider.id) };

  const project = await createProject(db, { forumId: forum.id, ownerId: users.owner.id, name: 'Latency work' });
  const otherProject = await createProject(db, { forumId: forum.id, ownerId: users.otherOwner.id, name: 'Other work' });
  const metric = await createGoal(db, {
    projectId: project.id,
    title: 'p95 latency',
    unit: 'ms',
    baseline: 800,
    target: 200,
    direction: 'down',
  });
  const milestone = await createGoal(db, { projectId: project.id, title: 'Launch', kind: 'milestone' });
  const otherGoal = await createGoal(db, { projectId: otherProject.id, title: 'Other goal' });
  const meeting = await createMeeting(db, {
    forumId: forum.id,
    scheduledAt: new Date(Date.now() + meetingIn),
    state: meetingState,
  });
  return { forum, users, project, otherProject, metric, milestone, otherGoal, meeting };
}

export type OwnersWorld = Awaited<ReturnType<typeof createOwnersWorld>>;

type RouteFn = (args: LoaderFunctionArgs & ActionFunctionArgs) => Promise<unknown>;

/**
 * A loader's or action's answer as the browser gets it: a page's data handed to the render as is
 * (page-data.server.ts) arrives as its JSON.
 */
export function asResponse(result: unknown): Response {
  if (result instanceof Response) return result;
  if (result && typeof result === 'object' && 'data' in result && 'init' in result && 'subscribe' in result) {
    const { data, init } = result as { data: unknown; init?: ResponseInit };
    return json(data, init);
  }
  throw new Error('The route answered with neither a Response nor page data');
}

/** Calls a loader or action; a thrown Response (404, 403, redirect) comes back as the answer. */
export async function callRoute(
  fn: RouteFn,
  {
    path,
    cookie,
    params,
    form,
  }: { path: string; cookie: string; params: Record<string, string>; form?: Record<string, string> },
): Promise<Response> {
  const request = new Request(`http://localhost${path}`, {
    method: form ? 'POST' : 'GET',
    headers: { Cookie: cookie, ...(form ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {}) },
    body: form ? new URLSearchParams(form) : undefined,
  });
  try {
    return asResponse(await fn({ request, params, context: { cspNonce: 'n' } }));
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}
