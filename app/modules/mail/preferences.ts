import { z } from 'zod';

// Shared by /account (server and client): the kinds of notification, in the order the form lists them.
export const NOTIFICATION_KIND_IDS = [
  'status-due',
  'status-overdue',
  'agenda',
  'digest',
  'action-item-assigned',
  'action-item-due',
] as const;

/** The /account preferences form: one checkbox per kind, "on" when ticked, absent when not. */
const kindFields = Object.fromEntries(
  NOTIFICATION_KIND_IDS.map((k) => [k, z.literal('on', { error: 'Tick or untick the box' }).optional()]),
) as Record<(typeof NOTIFICATION_KIND_IDS)[number], z.ZodOptional<z.ZodLiteral<'on'>>>;
export const EmailPreferencesSchema = z.strictObject({ intent: z.literal('email-preferences'), ...kindFields });

/** The unsubscribe page's POST: a person's button (no field) or a mail client's one-click (RFC 8058). */
export const UnsubscribeSchema = z.strictObject({ 'List-Unsubscribe': z.literal('One-Click').optional() });
