import type { MetaFunction } from '@remix-run/node';

// The benchmark's reference page (issue #8, scripts/bench.ts): a Remix page on the same server and layout that
// reads no data. Signed out (the benchmark sends no cookie), the root loader does not touch the database either.
export const meta: MetaFunction = () => [{ title: 'Baseline · Inspection Forum' }, { name: 'robots', content: 'noindex' }];

export default function BenchBaseline() {
  return <p>Baseline page.</p>;
}
