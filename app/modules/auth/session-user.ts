import type { Cadence, Role } from '../../../db/database';

// The signed-in user as the guards see it. Its own module so that session.server.ts (which reads it) and
// session-cache.server.ts (which keeps it) both import it, and neither imports the other's types in a circle.

export interface MyForum {
  id: number;
  slug: string;
  name: string;
  timeZone: string;
  cadence: Cadence;
  dataVersion: number;
  role: Role;
}

export interface SessionUser {
  id: number;
  email: string;
  name: string;
  isAdmin: boolean;
  sessionHash: string;
  /** The user's forums, by name: read with the session, one query for the header and every forum guard. */
  forums: MyForum[];
}
