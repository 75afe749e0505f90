import { createHash } from 'node:crypto';
import type { AliasRecord, AliasRoute } from './alias.record.js';

/** A point in [0, 100): where a call falls on the alias's weight line. */
export type RoutePoint = number;

/**
 * Where a routing key falls for this alias: a hash of key and alias name, so the same key
 * lands on the same point for as long as the alias exists, and two aliases spread keys
 * independently. `salt` separates independent draws (the shadow share from the route).
 */
export function stickyPoint(routingKey: string, aliasName: string, salt = ''): RoutePoint {
  const digest = createHash('sha256').update(`${salt}\0${aliasName}\0${routingKey}`).digest();
  // 32 bits are plenty for an integer-percent weight line, and exact in a double.
  return (digest.readUInt32BE(0) / 2 ** 32) * 100;
}

/**
 * The route a point falls on, walking the routes' weights in their stored order: route 1
 * takes [0, w1), route 2 [w1, 100). Moving weight from the first route to the second moves
 * only the keys between the old and the new boundary; every other key keeps its version.
 */
export function routeAt(routes: readonly AliasRoute[], point: RoutePoint): AliasRoute {
  let boundary = 0;
  for (const route of routes) {
    boundary += route.weight;
    if (point < boundary) return route;
  }
  // Only reached with a point at or past 100 (never from the draws here): the last route that has weight.
  return [...routes].reverse().find((route) => route.weight > 0) ?? routes[routes.length - 1]!;
}

export interface RouteChoice {
  version: string;
  /** The version the call also runs on, unseen by its caller; null: none this time. */
  shadowVersion: string | null;
}

/**
 * Picks the version for one call: by the routing key when there is one (sticky), at random
 * otherwise; and whether the call also goes to the shadow version (sticky by key as well).
 * `random` returns [0, 1) like `Math.random`.
 */
export function chooseRoute(
  alias: Pick<AliasRecord, 'name' | 'routes' | 'shadow'>,
  routingKey: string | undefined,
  random: () => number = Math.random,
): RouteChoice {
  const point = routingKey === undefined ? random() * 100 : stickyPoint(routingKey, alias.name);
  const route = routeAt(alias.routes, point);
  if (alias.shadow === null) return { version: route.version, shadowVersion: null };
  const shadowPoint = routingKey === undefined ? random() * 100 : stickyPoint(routingKey, alias.name, 'shadow');
  return { version: route.version, shadowVersion: shadowPoint < alias.shadow.percent ? alias.shadow.version : null };
}
