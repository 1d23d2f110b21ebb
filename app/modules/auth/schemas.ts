import { z } from 'zod';
import { isCommonPassword } from './common-passwords';
import { EmailPreferencesSchema } from '~/modules/mail/preferences';
import { CalendarTokenSchema } from '~/modules/meetings/lifecycle';

export const LoginSchema = z.strictObject({
  email: z.string().trim().min(1, 'Enter your email').max(254, 'Too long').email('Enter a valid email address'),
  password: z.string().min(1, 'Enter your password').max(128, 'Too long'),
  redirectTo: z.string().max(2000).optional(), // checked by safeRedirect where it is used
});

export const NewPasswordSchema = z
  .string()
  .min(8, 'Use at least 8 characters')
  .max(128, 'Use at most 128 characters')
  .refine((p) => !isCommonPassword(p), 'That password is too common: choose one that is not on breach lists');

export const ChangePasswordSchema = z
  .strictObject({
    intent: z.literal('change-password'),
    currentPassword: z.string().min(1, 'Enter your current password').max(128, 'Too long'),
    newPassword: NewPasswordSchema,
    confirmPassword: z.string().max(128, 'Too long'),
  })
  .refine((v) => v.newPassword === v.confirmPassword, {
    path: ['confirmPassword'],
    message: 'The two new passwords differ',
  });

export const EndSessionSchema = z.strictObject({
  intent: z.literal('end-session'),
  session: z.string().regex(/^[0-9a-f]{64}$/, 'Unknown session'),
});

export const EndOtherSessionsSchema = z.strictObject({ intent: z.literal('end-other-sessions') });

/** The account page's forms: the `intent` picks the schema (like MeetingActionSchema). */
export const AccountActionSchema = z.discriminatedUnion(
  'intent',
  [
    ChangePasswordSchema,
    EndSessionSchema,
    EndOtherSessionsSchema,
    EmailPreferencesSchema,
    ...CalendarTokenSchema.options,
  ],
  {
    error: 'Unknown action',
  },
);

/** Setting a password from a link (an invitation or a reset). */
export const SetPasswordSchema = z
  .strictObject({
    password: NewPasswordSchema,
    confirmPassword: z.string().max(128, 'Too long'),
  })
  .refine((v) => v.password === v.confirmPassword, { path: ['confirmPassword'], message: 'The two passwords differ' });
