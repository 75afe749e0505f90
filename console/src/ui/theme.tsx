import { createContext, type ReactNode, useContext, useLayoutEffect, useMemo, useState } from 'react';

export type Theme = 'light' | 'dark';

/** A display preference, not a credential: it may outlive the tab (localStorage). */
const STORAGE_KEY = 'fngraph.console.theme';

function initialTheme(): Theme {
  const saved = localStorage.getItem(STORAGE_KEY);
  if (saved === 'light' || saved === 'dark') return saved;
  return window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

interface ThemeState {
  theme: Theme;
  setTheme(theme: Theme): void;
}

const ThemeContext = createContext<ThemeState | null>(null);

/**
 * The console's theme for every screen, the sign-in page included: applied as
 * `<html data-theme>` (the style sheet's variables follow it) before the first paint, and
 * given to components that pick their own palette (the code editors) through `useTheme`.
 */
export function ThemeProvider({ children }: { children: ReactNode }) {
  const [theme, setThemeState] = useState<Theme>(initialTheme);
  useLayoutEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
  const state = useMemo<ThemeState>(
    () => ({
      theme,
      setTheme: (next) => {
        localStorage.setItem(STORAGE_KEY, next);
        setThemeState(next);
      },
    }),
    [theme],
  );
  return <ThemeContext.Provider value={state}>{children}</ThemeContext.Provider>;
}

export function useTheme(): ThemeState {
  const state = useContext(ThemeContext);
  if (!state) throw new Error('useTheme outside <ThemeProvider>');
  return state;
}
