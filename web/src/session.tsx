/** Who is signed in, for every page: loaded once from GET /api/v1/auth/me, cleared on sign-out. */
import { createContext, useContext } from 'react';
import type { StaffMe } from './api/schema.js';

export interface Session {
  me: StaffMe;
  /** Reads the account again (after turning two-step sign-in on or off). */
  refresh(): Promise<void>;
  signOut(): Promise<void>;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in page');
  return session;
}
