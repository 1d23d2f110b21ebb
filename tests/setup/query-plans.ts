import { CompiledQuery, createQueryId, type Kysely, type KyselyPlugin, type RootOperationNode } from 'kysely';
import type { Database } from '../../db/database';

// Query-plan checks (issue #8): run a page's own query functions through a recording Kysely, then EXPLAIN each
// query they ran, with the same SQL and parameters.

export interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Actual Total Time'?: number;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  Plans?: PlanNode[];
  [key: string]: unknown;
}

/**
 * A Kysely that records every query it runs; `queries()` gives them compiled (SQL and parameters). Plugins
 * also see the subqueries a builder embeds: only the nodes whose query ran (got a result) are kept.
 */
export function recordingQueries(db: Kysely<Database>) {
  const seen = new Map<string, RootOperationNode>();
  const ran: RootOperationNode[] = [];
  const plugin: KyselyPlugin = {
    transformQuery(args) {
      seen.set(args.queryId.queryId, args.node);
      return args.node;
    },
    async transformResult(args) {
      const node = seen.get(args.queryId.queryId);
      if (node) ran.push(node);
      return args.result;
    },
  };
  return {
    db: db.withPlugin(plugin),
    queries: (): CompiledQuery[] => ran.map((node) => db.getExecutor().compileQuery(node, createQueryId())),
    reset: () => {
      seen.clear();
      ran.length = 0;
    },
  };
}

/** EXPLAIN (FORMAT JSON) of a compiled query, with ANALYZE when asked (it runs the query). */
export async function explain(db: Kysely<Database>, query: CompiledQuery, { analyze = false } = {}): Promise<PlanNode> {
  const options = analyze ? 'analyze, timing off, buffers, format json' : 'format json';
  const result = await db.executeQuery<{ 'QUERY PLAN': unknown }>(
    CompiledQuery.raw(`explain (${options}) ${query.sql}`, [...query.parameters]),
  );
  const raw = result.rows[0]['QUERY PLAN'];
  const plan = (typeof raw === 'string' ? JSON.parse(raw) : raw) as { Plan: PlanNode }[];
  return plan[0].Plan;
}

/** Every node of a plan, depth first. */
export function planNodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(planNodes)];
}

/** The tables a plan reads with a sequential scan. */
export function seqScannedTables(plan: PlanNode): string[] {
  return planNodes(plan)
    .filter((n) => n['Node Type'] === 'Seq Scan' && n['Relation Name'])
    .map((n) => n['Relation Name'] as string);
}
