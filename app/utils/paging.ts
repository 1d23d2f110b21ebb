import { z } from 'zod';

// Long lists (the oversight page's projects and owners, a project's history) are shown a page at a time, the
// page in the URL. A bad or hostile value falls back to the first page; past the end, the last page.
const PageParamSchema = z.coerce.number().int().min(1).max(100_000).catch(1);

export function readPageParam(searchParams: URLSearchParams, name: string): number {
  return PageParamSchema.parse(searchParams.get(name) ?? undefined);
}

export interface Paged<T> {
  items: T[];
  page: number;
  pages: number;
  total: number;
}

export function pageOf<T>(items: readonly T[], page: number, size: number): Paged<T> {
  const pages = Math.max(1, Math.ceil(items.length / size));
  const current = Math.min(page, pages);
  return { items: items.slice((current - 1) * size, current * size), page: current, pages, total: items.length };
}

/** The current URL's search string with one page parameter changed (page 1 is left out) and `drop` removed. */
export function withPageParam(search: string, name: string, page: number, drop: readonly string[] = []): string {
  const params = new URLSearchParams(search);
  for (const d of drop) params.delete(d);
  if (page > 1) params.set(name, String(page));
  else params.delete(name);
  const s = params.toString();
  return s ? `?${s}` : '?';
}
