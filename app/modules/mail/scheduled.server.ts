import type { ScheduledTask } from './dispatcher.server';

/** The scheduled emails, enqueued by the dispatcher on every tick (idempotent through the outbox's unique key). */
export const mailTasks: ScheduledTask[] = [];
