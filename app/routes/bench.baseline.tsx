import type { MetaFunction } from '@remix-run/node';
import { getEnv } from '~/utils/env.server';
import { invariantResponse } from '~/utils/http.server';

// The benchmark's reference page (issue #8, scripts/bench.ts): a Remix page on the same server and layout that
// reads no data. Signed out (the benchmark sends no cookie), the root loader does not touch the database either.
export const meta: MetaFunction = () => [
  { title: 'Baseline · Inspection Forum' },
  { name: 'robots', content: 'noindex' },
];

// Only when the benchmark asks for it (BENCH_BASELINE=true, set by scripts/bench.ts): otherwise not found.
export function loader() {
  invariantResponse(getEnv().BENCH_BASELINE === 'true', 'Not found');
  return null;
}

export default function BenchBaseline() {
  return <p>Baseline page.</p>;
}
