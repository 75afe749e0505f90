import { SessionProvider, useSession, useSessionState } from '@/api/session';
import { Loading } from '@/ui/page';
import { ThemeProvider } from '@/ui/theme';
import { SignInPage } from '@/session/sign-in-page';
import { Layout } from './layout';
import { routeElement } from './routes';
import { useRoute } from './router';

export function App() {
  return (
    <ThemeProvider>
      <SessionProvider>
        <Gate />
      </SessionProvider>
    </ThemeProvider>
  );
}

/** Signed out: the sign-in page whatever the URL (and back to that URL once signed in). */
function Gate() {
  const { session, restoring } = useSessionState();
  if (restoring) return <Loading what="Signing in" />;
  return session ? <SignedIn /> : <SignInPage />;
}

function SignedIn() {
  const route = useRoute();
  const session = useSession();
  return <Layout route={route}>{routeElement(route, session)}</Layout>;
}
