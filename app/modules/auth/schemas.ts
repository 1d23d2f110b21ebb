import { z } from 'zod';

/** Only same-site relative paths: never an open redirect. */
export const SafeRedirectSchema = z
  .string()
  .max(500)
  .refine((v) => v.startsWith('/') && !v.startsWith('//') && !v.startsWith('/\\'), 'Must be a path on this site')
  .catch('/');

export const LoginSchema = z.strictObject({
  email: z.string().trim().min(1, 'Enter your email').max(254, 'Too long').email('Enter a valid email address'),
  password: z.string().min(1, 'Enter your password').max(128, 'Too long'),
  redirectTo: z.string().optional(),
});
