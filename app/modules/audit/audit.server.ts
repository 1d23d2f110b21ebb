import type { Executor } from '~/utils/db.server';
import { clientIp } from '~/utils/http.server';

export interface AuditEntry {
  userId: number | null;
  forumId?: number | null;
  action: string;
  target?: string | null;
  denied?: boolean;
  detail?: Record<string, unknown>;
  request?: Request;
}

export async function writeAudit(db: Executor, entry: AuditEntry): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      user_id: entry.userId,
      forum_id: entry.forumId ?? null,
      action: entry.action,
      target: entry.target ?? null,
      ip: entry.request ? clientIp(entry.request) : null,
      denied: entry.denied ?? false,
      detail: JSON.stringify(entry.detail ?? {}),
    })
    .execute();
}
