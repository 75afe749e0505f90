import semver from 'semver';
import { z } from 'zod';

/** Lower case, digits and dashes, starting with a letter: safe in a URL after `@`, and never a version. */
export const ALIAS_NAME_PATTERN = /^[a-z][a-z0-9-]{0,62}$/;
export const ALIAS_NAME_RULE = '1 to 63 lower-case letters, digits or dashes, starting with a letter';

/** An alias splits its calls between at most this many versions. */
export const MAX_ROUTES = 2;

/** Aliases one function may have: enough for environments and tenants, bounded for listings. */
export const MAX_ALIASES_PER_FUNCTION = 50;

/** `latest` means the newest version wherever versions are named; an alias may not take it. */
const RESERVED_NAMES = new Set(['latest']);

export const aliasNameSchema = z
  .string()
  .regex(ALIAS_NAME_PATTERN, `must be ${ALIAS_NAME_RULE}`)
  // The pattern already rules out a semver string (it starts with a letter, has no dots); kept explicit so the rule survives a looser pattern.
  .refine((name) => semver.valid(name) === null, 'must not be a version number')
  .refine((name) => !RESERVED_NAMES.has(name), 'is reserved (it means the latest version)');

const routeSchema = z.strictObject({
  version: z.string().refine((version) => semver.valid(version) !== null, 'must be a version number (semver)'),
  weight: z.number().int('must be a whole number').min(0, 'must be 0 to 100').max(100, 'must be 0 to 100'),
});

const shadowSchema = z.strictObject({
  version: z.string().refine((version) => semver.valid(version) !== null, 'must be a version number (semver)'),
  percent: z.number().gt(0, 'must be more than 0').max(100, 'must be at most 100'),
});

/** What `setAlias` takes: the whole alias (a set replaces, never merges). */
export const setAliasSchema = z
  .strictObject({
    functionId: z.string().min(1, 'is required'),
    name: aliasNameSchema,
    routes: z.array(routeSchema).min(1, 'needs one or two routes').max(MAX_ROUTES, 'takes at most two routes'),
    shadow: shadowSchema.nullish(),
  })
  .superRefine((input, context) => {
    const total = input.routes.reduce((sum, route) => sum + route.weight, 0);
    if (input.routes.length > 0 && total !== 100)
      context.addIssue({ code: 'custom', path: ['routes'], message: `weights must sum to 100 (they sum to ${total})` });
    if (input.routes.length === 2 && input.routes[0]!.version === input.routes[1]!.version) {
      context.addIssue({ code: 'custom', path: ['routes', 1, 'version'], message: 'names the same version as the first route' });
    }
  });

export type SetAliasInput = z.output<typeof setAliasSchema>;

/** `/fn/<name>@<target>`: a semver target pins a version; anything else names an alias. */
export function isVersionTarget(target: string): boolean {
  return semver.valid(target) !== null;
}
