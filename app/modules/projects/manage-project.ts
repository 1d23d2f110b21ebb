import { z } from 'zod';

// The chair's project forms: create (with an owner), edit, archive and unarchive.

const name = z
  .string({ error: 'Enter a name' })
  .trim()
  .min(1, 'Enter a name')
  .max(200, 'Keep the name under 200 characters');
const description = z.string().trim().max(5_000, 'Keep the description under 5,000 characters').default('');

export const CreateProjectSchema = z.strictObject({
  name,
  description,
  ownerId: z.coerce
    .number({ error: 'Choose the owner' })
    .int('Choose the owner')
    .positive('Choose the owner')
    .max(Number.MAX_SAFE_INTEGER, 'Choose the owner'),
});
export type CreateProjectInput = z.infer<typeof CreateProjectSchema>;

export const EditProjectSchema = z.strictObject({
  intent: z.literal('edit'),
  name,
  description,
});
export const ArchiveProjectSchema = z.strictObject({
  intent: z.literal('archive'),
});
export const UnarchiveProjectSchema = z.strictObject({
  intent: z.literal('unarchive'),
});
export const ProjectSettingsSchema = z.discriminatedUnion(
  'intent',
  [EditProjectSchema, ArchiveProjectSchema, UnarchiveProjectSchema],
  {
    error: 'Unknown action',
  },
);
