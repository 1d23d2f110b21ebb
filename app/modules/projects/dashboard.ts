import { z } from 'zod';

export const DASHBOARD_SORTS = ['project', 'owner', 'health', 'level', 'next_review', 'status_age'] as const;

export const DashboardQuerySchema = z.object({
  sort: z.enum(DASHBOARD_SORTS).catch('next_review'),
  dir: z.enum(['asc', 'desc']).catch('asc'),
  q: z.string().trim().max(100).catch(''),
});
export type DashboardQuery = z.infer<typeof DashboardQuerySchema>;

export function parseDashboardQuery(searchParams: URLSearchParams): DashboardQuery {
  return DashboardQuerySchema.parse(Object.fromEntries(searchParams));
}
