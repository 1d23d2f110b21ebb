import { z } from 'zod';
import type { Role } from '../../../db/database';
import { EmailSchema, PersonNameSchema } from '~/modules/admin/users';
import { rolesFor } from '~/modules/auth/can';
import { NewPasswordSchema } from '~/modules/auth/schemas';

// Forum settings → Members: one strict schema per form, the `intent` literal picks it.

export const ROLES = ['chair', 'leader', 'owner', 'observer'] as const satisfies readonly Role[];
export const ROLE_LABELS: Record<Role, string> = {
  chair: 'Chair',
  leader: 'Leader',
  owner: 'Owner',
  observer: 'Observer',
};

/** Who reads the members page; only the chair changes it. */
export const MEMBER_READERS = rolesFor('see-settings');
export const MEMBER_MANAGERS = rolesFor('manage-forum');

const id = (message: string) =>
  z.coerce.number({ error: message }).int(message).positive(message).max(Number.MAX_SAFE_INTEGER, message);
const role = z.enum(ROLES, { error: 'Choose a role' });

export const InviteMemberSchema = z.strictObject({ intent: z.literal('invite'), email: EmailSchema, role });
export const RevokeInvitationSchema = z.strictObject({
  intent: z.literal('revoke'),
  invitationId: id('Unknown invitation'),
});
export const ChangeRoleSchema = z.strictObject({
  intent: z.literal('change-role'),
  userId: id('Unknown member'),
  role,
});
export const RemoveMemberSchema = z.strictObject({ intent: z.literal('remove'), userId: id('Unknown member') });

export const MemberActionSchema = z.discriminatedUnion(
  'intent',
  [InviteMemberSchema, RevokeInvitationSchema, ChangeRoleSchema, RemoveMemberSchema],
  {
    error: 'Unknown action',
  },
);
export type MemberAction = z.infer<typeof MemberActionSchema>;

/** Accepting an invitation: as the signed-in user, or with a new account. */
export const AcceptInvitationSchema = z.discriminatedUnion(
  'intent',
  [
    z.strictObject({ intent: z.literal('accept') }),
    z
      .strictObject({
        intent: z.literal('create-account'),
        name: PersonNameSchema,
        password: NewPasswordSchema,
        confirmPassword: z.string().max(128, 'Too long'),
      })
      .refine((v) => v.password === v.confirmPassword, {
        path: ['confirmPassword'],
        message: 'The two passwords differ',
      }),
  ],
  { error: 'Unknown action' },
);
