import type { Executor } from '~/utils/db.server';
import { appUrl } from '~/utils/env.server';
import { hashToken } from '~/modules/auth/session.server';
import { enqueueEmail } from './outbox.server';
import { renderEmail } from './render.server';

/** The link of a password-setting email. */
export const setPasswordUrl = (token: string) => `${appUrl()}/set-password/${token}`;

/**
 * A link to set a password, written to the outbox (in the caller's transaction): `forgot` when the person asked for
 * it, else issued by an admin (a new account's first password, or a reset). The link's hash keys the row, so each
 * new link is one email.
 */
export async function enqueuePasswordLinkEmail(
  db: Executor,
  {
    user,
    token,
    reason,
  }: {
    user: { id: number; name: string; email: string };
    token: string;
    reason: 'forgot' | 'invited' | 'reset-by-admin';
  },
): Promise<void> {
  const first = reason === 'invited';
  const mail = renderEmail({
    subject: first ? 'Your Inspection Forum account' : 'Choose a new password',
    greeting: `Hello ${user.name},`,
    paragraphs: [
      reason === 'forgot'
        ? 'Someone, hopefully you, asked to reset the password of your Inspection Forum account. If it was not you, ignore this email: your password stays as it is.'
        : first
          ? 'An administrator created an Inspection Forum account for you. Choose your password with the link below.'
          : 'An administrator issued a link for you to choose a new password for your Inspection Forum account.',
      'The link works once, within 24 hours. Setting a new password signs your account out on every device.',
    ],
    link: { href: setPasswordUrl(token), label: first ? 'Choose your password' : 'Choose a new password' },
  });
  await enqueueEmail(db, {
    kind: reason === 'forgot' ? 'forgot-password' : 'password-link',
    subjectKey: `link:${hashToken(token).slice(0, 32)}`,
    to: user.email,
    userId: user.id,
    ...mail,
  });
}

/** A forum invitation, written to the outbox with the invitation. */
export async function enqueueInvitationEmail(
  db: Executor,
  {
    forum,
    email,
    role,
    token,
    invitedBy,
  }: { forum: { id: number; name: string }; email: string; role: string; token: string; invitedBy: string },
): Promise<void> {
  const mail = renderEmail({
    forumName: forum.name,
    subject: `You are invited to ${forum.name}`,
    greeting: 'Hello,',
    paragraphs: [
      `${invitedBy} invites you to join ${forum.name} on Inspection Forum as ${/^[aeiou]/.test(role) ? 'an' : 'a'} ${role}.`,
      'The invitation works once, within 7 days. If you have no account yet, you create one when you accept.',
    ],
    link: { href: `${appUrl()}/invitations/${token}`, label: 'Accept the invitation' },
  });
  await enqueueEmail(db, {
    kind: 'invitation',
    subjectKey: `link:${hashToken(token).slice(0, 32)}`,
    to: email,
    forumId: forum.id,
    ...mail,
  });
}
