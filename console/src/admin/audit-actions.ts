/**
 * What the server records (AUDIT_ACTIONS in src/modules/audit/audit.record.ts); the audit
 * log's filter accepts only these. A copy, since the console speaks only the public API
 * (where `action` is a String): test/console/audit-actions.test.ts fails when they differ.
 */
export const AUDIT_ACTIONS = [
  'function.register',
  'function.update',
  'function.delete',
  'function.permissions',
  'function.network',
  'function.releaseName',
  'alias.set',
  'alias.delete',
  'canary.start',
  'canary.advance',
  'canary.promote',
  'canary.rollback',
  'canary.abort',
  'function.breakingChange',
  'apiKey.create',
  'apiKey.revoke',
  'masterKey.rotate',
  'invocations.replay',
];
