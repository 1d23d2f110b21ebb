import { z } from 'zod';
import { LevelSchema } from '~/oversight';

export const REASON_MAX = 2_000;

/** A chair's or leader's override of a project's oversight level: a reason is required (DESIGN §3 "Overrides"). */
export const OverrideSchema = z.strictObject({
  intent: z.literal('override'),
  level: z.enum(LevelSchema.options, { error: 'Choose a level' }),
  reason: z
    .string({ error: 'Give a reason for the override' })
    .trim()
    .min(1, 'Give a reason for the override')
    .max(REASON_MAX, 'Keep the reason under 2,000 characters'),
});
export type OverrideInput = z.infer<typeof OverrideSchema>;
