import type { SerializeFrom } from '@remix-run/node';
import type { getProjectPage } from '~/modules/projects/project-page.server';

/** The project page's data as the browser receives it. */
export type ProjectPageData = SerializeFrom<typeof getProjectPage>;

/** One page of a long list (app/utils/paging.ts), as the browser receives it. */
export interface PagedList<T> {
  items: T[];
  page: number;
  pages: number;
  total: number;
}
