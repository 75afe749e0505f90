import { useEffect, useState } from 'react';

/**
 * Routes live in the URL's fragment (`/#/functions/abc`): the server serves the console
 * only at `/`, and every other path stays the API's.
 */
export interface Route {
  /** Path segments, e.g. ['functions', 'abc', 'edit']. */
  segments: string[];
  query: URLSearchParams;
}

function currentRoute(): Route {
  const [path = '', search = ''] = window.location.hash.replace(/^#/, '').split('?', 2);
  return { segments: path.split('/').filter(Boolean).map(decodeURIComponent), query: new URLSearchParams(search) };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(currentRoute);
  useEffect(() => {
    const update = () => setRoute(currentRoute());
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return route;
}

/** The href of a console path: `href('functions', id)` → `#/functions/<id>`; `query` is appended. */
export function href(...parts: (string | Record<string, string | undefined>)[]): string {
  const segments = parts.filter((part): part is string => typeof part === 'string');
  const query = parts.find((part): part is Record<string, string | undefined> => typeof part === 'object');
  const search = query
    ? new URLSearchParams(Object.entries(query).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '')).toString()
    : '';
  return `#/${segments.map(encodeURIComponent).join('/')}${search ? `?${search}` : ''}`;
}

export function navigate(to: string): void {
  window.location.hash = to.replace(/^#/, '');
}
