import type { Migration } from 'kysely';
import * as initial from './20261125T1400-initial';
import * as meetings from './20261125T1510-meetings';
import * as oversightEventClass from './20261125T1520-oversight-event-class';
import * as performance from './20261125T1600-performance';
import * as forumDataVersion from './20261125T1700-forum-data-version';
import * as changeNotifications from './20261125T1800-change-notifications';
import * as reviewVersion from './20261202T1100-review-version';
import * as eventOwner from './20261202T1200-event-owner';
import * as goalRange from './20261202T1200-goal-range';
import * as identity from './20261202T1400-identity';
import * as forumArchived from './20261202T1500-forum-archived';
import * as meetingLifecycle from './20261203T1000-meeting-lifecycle';
import * as meetingAttendance from './20261203T1010-meeting-attendance';
import * as calendarTokens from './20261203T1020-calendar-tokens';
import * as outbox from './20261203T1100-outbox';
import * as policyVersions from './20261203T1200-policy-versions';
import * as auditMeetingIndex from './20261203T1300-audit-meeting-index';

// Listed statically so the same migrations run from the server, scripts and tests without a file scan.
export const migrations: Record<string, Migration> = {
  '20261125T1400-initial': initial,
  '20261125T1510-meetings': meetings,
  '20261125T1520-oversight-event-class': oversightEventClass,
  '20261125T1600-performance': performance,
  '20261125T1700-forum-data-version': forumDataVersion,
  '20261125T1800-change-notifications': changeNotifications,
  '20261202T1100-review-version': reviewVersion,
  '20261202T1200-event-owner': eventOwner,
  '20261202T1200-goal-range': goalRange,
  '20261202T1400-identity': identity,
  '20261202T1500-forum-archived': forumArchived,
  '20261203T1000-meeting-lifecycle': meetingLifecycle,
  '20261203T1010-meeting-attendance': meetingAttendance,
  '20261203T1020-calendar-tokens': calendarTokens,
  '20261203T1100-outbox': outbox,
  '20261203T1200-policy-versions': policyVersions,
  '20261203T1300-audit-meeting-index': auditMeetingIndex,
};
