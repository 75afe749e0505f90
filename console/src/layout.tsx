import type { ReactNode } from 'react';
import { useSession } from '@/api/session';
import { useTheme } from '@/ui/theme';
import { href, type Route } from './router';

interface NavItem {
  label: string;
  to: string;
  /** The first path segment that marks it current. */
  section: string;
  adminOnly?: boolean;
}

const NAV: NavItem[] = [
  { label: 'Functions', to: href('functions'), section: 'functions' },
  { label: 'Invocations', to: href('invocations'), section: 'invocations' },
  { label: 'API keys', to: href('keys'), section: 'keys' },
  { label: 'Audit log', to: href('admin', 'audit'), section: 'admin/audit', adminOnly: true },
  { label: 'Platform errors', to: href('admin', 'errors'), section: 'admin/errors', adminOnly: true },
];

function isCurrent(item: NavItem, route: Route): boolean {
  const path = route.segments.join('/') || 'functions';
  return path === item.section || path.startsWith(`${item.section}/`);
}

/** Where the server serves GraphiQL; it leaves the tag out where it does not (production). */
const GRAPHIQL = document.querySelector<HTMLMetaElement>('meta[name="fngraph-graphiql"]')?.content;

/** The frame of every signed-in screen: skip link, navigation, who is signed in, theme, sign out. */
export function Layout({ route, children }: { route: Route; children: ReactNode }) {
  const { me, isAdmin, signOut } = useSession();
  const { theme, setTheme } = useTheme();
  return (
    <div className="shell">
      {/* Routes live in the fragment: the skip link moves focus itself instead of changing it. */}
      <a
        className="skip-link"
        href="#main"
        onClick={(event) => {
          event.preventDefault();
          document.getElementById('main')?.focus();
        }}
      >
        Skip to content
      </a>
      <header className="topbar">
        <a className="brand" href={href('functions')}>
          fngraph
        </a>
        <nav aria-label="Main">
          <ul>
            {NAV.filter((item) => isAdmin || !item.adminOnly).map((item) => (
              <li key={item.section}>
                <a href={item.to} aria-current={isCurrent(item, route) ? 'page' : undefined}>
                  {item.label}
                </a>
              </li>
            ))}
            {GRAPHIQL ? (
              <li>
                <a href={GRAPHIQL} target="_blank" rel="noreferrer">
                  GraphiQL
                </a>
              </li>
            ) : null}
          </ul>
        </nav>
        <div className="who">
          <span className="subject" title={`Roles: ${me.roles.join(', ')}`}>
            {me.subject} <span className="muted">({me.roles.join(', ')})</span>
          </span>
          <button
            type="button"
            className="ghost"
            onClick={() => setTheme(theme === 'dark' ? 'light' : 'dark')}
            aria-label={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`}
          >
            {theme === 'dark' ? '☀︎' : '☾'}
          </button>
          <button type="button" onClick={() => signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
