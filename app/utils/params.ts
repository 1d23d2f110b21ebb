import { z } from 'zod';

/** A numeric id in the URL (a path segment or a query value). Routes answer a 404 when it fails. */
export const IdParamSchema = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
