import { useEffect, useState } from 'react';

export type Theme = 'light' | 'dark';

/** A display preference, not a credential: it may outlive the tab (localStorage). */
const STORAGE_KEY = 'fngraph.console.theme';

function initialTheme(): Theme {
  const saved = localStorage.getItem(STORAGE_KEY);
  if (saved === 'light' || saved === 'dark') return saved;
  return window.matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

/** The current theme, applied as `<html data-theme>` (the style sheet's variables follow it). */
export function useTheme(): [Theme, (theme: Theme) => void] {
  const [theme, setTheme] = useState<Theme>(initialTheme);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
  return [
    theme,
    (next) => {
      localStorage.setItem(STORAGE_KEY, next);
      setTheme(next);
    },
  ];
}

/** Whether the page is dark now, for components that pick their own palette (the code editor). */
export function isDark(): boolean {
  return document.documentElement.dataset.theme === 'dark';
}
