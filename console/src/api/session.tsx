import { FngraphClient, FngraphError } from '@fngraph/sdk';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { MeDocument, type MeQuery } from './graphql.generated';

/** sessionStorage, never localStorage: the key goes when the tab does (and on sign-out). */
const STORAGE_KEY = 'fngraph.console.apiKey';

export type Principal = MeQuery['me'];

export interface Session {
  client: FngraphClient;
  /** The API key, for requests outside GraphQL (a function's HTTP endpoint, sent as `Authorization: Bearer`). */
  credential: string;
  me: Principal;
  isAdmin: boolean;
  /** Holds one of the roles (admins hold every role). */
  hasRole(...roles: string[]): boolean;
  signOut(reason?: string): void;
  /** Reports a failure from any operation: a credential the server no longer accepts signs out. */
  report(error: unknown): void;
}

interface SessionState {
  session: Session | null;
  /** Why the last session ended (shown on the sign-in page). */
  endedBecause: string | null;
  restoring: boolean;
  signIn(key: string): Promise<void>;
}

const SessionContext = createContext<SessionState | null>(null);

export function useSessionState(): SessionState {
  const state = useContext(SessionContext);
  if (!state) throw new Error('useSessionState outside <SessionProvider>');
  return state;
}

/** The signed-in session; only rendered inside the signed-in part of the app. */
export function useSession(): Session {
  const { session } = useSessionState();
  if (!session) throw new Error('useSession without a session');
  return session;
}

/**
 * The credential is gone for good (revoked, expired): anything else is worth showing instead.
 * The server closes a subscription's socket with 4401 when its credential expires and 4403
 * when it is revoked (src/api/graphql/ws-connection-guard.ts).
 */
export function endsSession(error: unknown): boolean {
  return error instanceof FngraphError && (error.code === 'UNAUTHENTICATED' || error.closeCode === 4401 || error.closeCode === 4403);
}

function newClient(key: string): FngraphClient {
  return new FngraphClient({ url: window.location.origin, credential: key });
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session | null>(null);
  const [endedBecause, setEndedBecause] = useState<string | null>(null);
  const [restoring, setRestoring] = useState(() => sessionStorage.getItem(STORAGE_KEY) !== null);

  /** Checks the key and starts a session with it, unless `wanted()` turned false meanwhile (a restore given up). */
  const start = useCallback(async (key: string, wanted: () => boolean = () => true): Promise<void> => {
    const client = newClient(key);
    const { me } = await client.request(MeDocument);
    if (!wanted()) return void client.close();
    if (me.kind === 'anonymous') throw new Error('The server did not accept this key');
    const roles = new Set(me.roles);
    const isAdmin = roles.has('admin');
    let ended = false;
    const signOut = (reason?: string) => {
      if (ended) return;
      ended = true;
      sessionStorage.removeItem(STORAGE_KEY);
      void client.close();
      setEndedBecause(reason ?? null);
      setSession(null);
    };
    sessionStorage.setItem(STORAGE_KEY, key);
    setEndedBecause(null);
    setSession({
      client,
      credential: key,
      me,
      isAdmin,
      hasRole: (...wanted) => isAdmin || wanted.some((role) => roles.has(role)),
      signOut,
      report: (error) => {
        if (endsSession(error)) signOut('The server no longer accepts your key (revoked or expired). Sign in with another one.');
      },
    });
  }, []);

  useEffect(() => {
    const saved = sessionStorage.getItem(STORAGE_KEY);
    if (saved === null) return;
    let current = true;
    start(saved, () => current)
      .catch((error: unknown) => {
        if (!current) return;
        sessionStorage.removeItem(STORAGE_KEY);
        setEndedBecause(endsSession(error) ? 'Your key is no longer valid. Sign in again.' : (error as Error).message);
      })
      .finally(() => current && setRestoring(false));
    return () => {
      current = false;
    };
  }, [start]);

  const state = useMemo<SessionState>(() => ({ session, endedBecause, restoring, signIn: start }), [session, endedBecause, restoring, start]);
  return <SessionContext.Provider value={state}>{children}</SessionContext.Provider>;
}
