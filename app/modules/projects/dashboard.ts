import { z } from 'zod';

export const DASHBOARD_SORTS = [
  'project',
  'owner',
  'health',
  'verdict',
  'progress',
  'level',
  'next_review',
  'status_age',
] as const;
export const PAGE_SIZES = [25, 50, 100, 500] as const;
export const LEVEL_FILTERS = ['tight', 'standard', 'light', 'trusted'] as const;
export const HEALTH_FILTERS = ['on_track', 'at_risk', 'off_track', 'none'] as const;

// Every dashboard view is a URL: a bad or hostile parameter falls back to its default instead of failing.
export const DashboardQuerySchema = z.object({
  sort: z.enum(DASHBOARD_SORTS).catch('next_review'),
  dir: z.enum(['asc', 'desc']).catch('asc'),
  q: z.string().trim().max(100).catch(''),
  level: z.enum(LEVEL_FILTERS).optional().catch(undefined),
  health: z.enum(HEALTH_FILTERS).optional().catch(undefined),
  owner: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional().catch(undefined),
  due: z.literal('1').optional().catch(undefined),
  size: z.coerce
    .number()
    .int()
    .refine((n) => (PAGE_SIZES as readonly number[]).includes(n))
    .catch(25),
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
});
export type DashboardQuery = z.infer<typeof DashboardQuerySchema>;
export const DASHBOARD_QUERY_KEYS = Object.keys(DashboardQuerySchema.shape);

export function parseDashboardQuery(searchParams: URLSearchParams): DashboardQuery {
  const raw: Record<string, string> = {};
  for (const key of DASHBOARD_QUERY_KEYS) {
    const value = searchParams.get(key);
    if (value !== null && value !== '') raw[key] = value;
  }
  return DashboardQuerySchema.parse(raw);
}

/** The URL search string of a view (defaults left out, so links stay short and shareable). */
export function dashboardSearch(query: DashboardQuery, changes: Partial<DashboardQuery> = {}): string {
  const next = { ...query, ...changes };
  const params = new URLSearchParams();
  if (next.q) params.set('q', next.q);
  if (next.level) params.set('level', next.level);
  if (next.health) params.set('health', next.health);
  if (next.owner) params.set('owner', String(next.owner));
  if (next.due) params.set('due', next.due);
  if (next.sort !== 'next_review' || next.dir !== 'asc') {
    params.set('sort', next.sort);
    params.set('dir', next.dir);
  }
  if (next.size !== 25) params.set('size', String(next.size));
  if (next.page !== 1) params.set('page', String(next.page));
  const s = params.toString();
  return s ? `?${s}` : '';
}

/**
 * A CSV cell as OWASP's CSV-injection guidance asks: every text cell quoted (so a `;` or `,` inside it never
 * starts a new cell in any spreadsheet's delimiter), and one whose first character other than whitespace is a
 * formula character (= + - @, or a TAB or CR) prefixed with a quote. Numbers stay numbers.
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  let text = String(value);
  if (/^[\s]*[=+\-@\t\r]/.test(text) || /^[\t\r\n]/.test(text)) text = `'${text}`;
  return `"${text.replace(/"/g, '""')}"`;
}

export function toCsv(rows: unknown[][]): string {
  return rows.map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
