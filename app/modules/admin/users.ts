import { z } from 'zod';

// The admin's users page: one strict schema per form, the `intent` literal picks it.

export const EmailSchema = z
  .string({ error: 'Enter an email address' })
  .trim()
  .min(1, 'Enter an email address')
  .max(254, 'Too long')
  .email('Enter a valid email address');
export const PersonNameSchema = z
  .string({ error: 'Enter a name' })
  .trim()
  .min(1, 'Enter a name')
  .max(120, 'Use at most 120 characters');
const userId = z.coerce
  .number({ error: 'Unknown user' })
  .int('Unknown user')
  .positive('Unknown user')
  .max(Number.MAX_SAFE_INTEGER, 'Unknown user');

export const InviteUserSchema = z.strictObject({
  intent: z.literal('invite'),
  email: EmailSchema,
  name: PersonNameSchema,
  admin: z.literal('on', { error: 'Tick the box or leave it empty' }).optional(),
});

const onUser = <I extends string>(intent: I) => z.strictObject({ intent: z.literal(intent), userId });

export const UserActionSchema = z.discriminatedUnion(
  'intent',
  [
    InviteUserSchema,
    onUser('deactivate'),
    onUser('reactivate'),
    onUser('grant-admin'),
    onUser('revoke-admin'),
    onUser('reset-password'),
  ],
  { error: 'Unknown action' },
);
export type UserAction = z.infer<typeof UserActionSchema>;

/** The CLI's `create` command. */
export const CreateAdminSchema = z.strictObject({ email: EmailSchema, name: PersonNameSchema });
