import { z } from 'zod';

export const ChangeOwnerSchema = z.strictObject({
  ownerId: z.coerce
    .number({ error: 'Choose the new owner' })
    .int()
    .positive('Choose the new owner')
    .max(Number.MAX_SAFE_INTEGER),
  reason: z.string().trim().max(2_000, 'Keep the note under 2,000 characters').default(''),
});
