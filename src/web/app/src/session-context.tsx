import { createContext, useContext } from 'react';
import type { Session } from './api/session';

/** The signed-in session, for every page below the layout; reload() after switching organization. */
export interface SessionContextValue {
  session: Session;
  reload: () => void;
}

export const SessionContext = createContext<SessionContextValue | null>(null);

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside the signed-in layout');
  return value;
}
