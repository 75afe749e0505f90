import { describe, expect, it } from 'vitest';
import { AUDIT_ACTIONS as CONSOLE_ACTIONS } from '../../console/src/admin/audit-actions.js';
import { AUDIT_ACTIONS as SERVER_ACTIONS } from '../../src/modules/audit/audit.record.js';

describe('console audit actions', () => {
  it('offers in the audit log filter exactly the actions the server records, in its order', () => {
    expect(CONSOLE_ACTIONS).toEqual([...SERVER_ACTIONS]);
  });
});
