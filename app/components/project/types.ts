import type { SerializeFrom } from '@remix-run/node';
import type { getProjectPage } from '~/modules/projects/project-page.server';

/** The project page's data as the browser receives it. */
export type ProjectPageData = SerializeFrom<typeof getProjectPage>;
