import type { Role } from '../../../db/database';

/**
 * Who may do what in a forum: the one table of permissions, beside the guards (guards.server.ts). A loader or an
 * action asks `can(access, 'change-owner')` and never compares roles itself; a page gets the answers as flags
 * (canEdit, canRun…) from its loader. The guards (requireForumRole) still refuse on the server: a hidden button
 * is a courtesy, the guard is the check.
 */
const PERMISSIONS = {
  /** Settings, schedule, policy and members: change them. */
  'manage-forum': ['chair'],
  /** Settings and members: read them. */
  'see-settings': ['chair', 'leader'],
  'create-project': ['chair'],
  'edit-project': ['chair'],
  'change-owner': ['chair'],
  'override-level': ['chair', 'leader'],
  'run-meetings': ['chair', 'leader'],
  /** Edit or delete any action item (an assignee may still mark their own done). */
  'manage-action-items': ['chair'],
} as const satisfies Record<string, readonly Role[]>;

export type ForumAction = keyof typeof PERMISSIONS;

export function can(access: { role: Role }, action: ForumAction): boolean {
  return (PERMISSIONS[action] as readonly Role[]).includes(access.role);
}

/** The roles allowed an action, for a guard: requireForumRole(request, slug, rolesFor('change-owner')). */
export function rolesFor(action: ForumAction): readonly Role[] {
  return PERMISSIONS[action];
}
