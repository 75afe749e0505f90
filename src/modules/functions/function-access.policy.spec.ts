import { describe, expect, it } from 'vitest';
import { ForbiddenError, NotFoundError } from '@/kernel/errors/domain-error.js';
import type { FunctionRecord } from './function.record.js';
import { FunctionAccessPolicy } from './function-access.policy.js';
import { ANONYMOUS, type Principal } from '@/kernel/identity/principal.js';
import type { Role } from '@/kernel/identity/roles.js';

const policy = new FunctionAccessPolicy();
const user = (subject: string, ...roles: Role[]): Principal => ({ kind: 'apiKey', subject, roles, credentialId: `k-${subject}` });
const fn = (permissions: Partial<FunctionRecord['permissions']> = {}, extra: Partial<FunctionRecord> = {}): FunctionRecord =>
  ({
    id: 'f1',
    name: 'f',
    ownerId: 'olga',
    deletedAt: null,
    permissions: { public: false, allowedUsers: [], executionRoles: [], ...permissions },
    ...extra,
  }) as FunctionRecord;

describe('FunctionAccessPolicy', () => {
  it('gives admins everything and anonymous callers only public invocation', () => {
    expect(policy.functionAccess(user('root', 'admin'), fn())).toEqual({ visible: true, invoke: true, readInvocations: true, readCode: true, manage: true });
    expect(policy.functionAccess(ANONYMOUS, fn())).toMatchObject({ visible: false, invoke: false });
    expect(policy.functionAccess(ANONYMOUS, fn({ public: true }))).toEqual({
      visible: false,
      invoke: true,
      readInvocations: false,
      readCode: false,
      manage: false,
    });
    expect(policy.functionAccess(ANONYMOUS, fn({ public: true }, { deletedAt: new Date() })).invoke).toBe(false);
  });

  it('lets owners manage with the developer role only', () => {
    expect(policy.functionAccess(user('olga', 'developer'), fn()).manage).toBe(true);
    expect(policy.functionAccess(user('olga', 'viewer'), fn())).toMatchObject({ visible: true, manage: false, invoke: false, readCode: true });
  });

  it('scopes allowedUsers by role and executionRoles to invocation', () => {
    const shared = fn({ allowedUsers: ['ivan', 'vera', 'dev'] });
    expect(policy.functionAccess(user('dev', 'developer'), shared)).toMatchObject({ visible: true, invoke: true, readCode: true, manage: false });
    expect(policy.functionAccess(user('ivan', 'invoker'), shared)).toMatchObject({ visible: true, invoke: true, readCode: false });
    expect(policy.functionAccess(user('vera', 'viewer'), shared)).toMatchObject({ visible: true, invoke: false, readInvocations: true });
    const byRole = fn({ executionRoles: ['invoker'] });
    expect(policy.functionAccess(user('ivan', 'invoker'), byRole)).toEqual({
      visible: true,
      invoke: true,
      readInvocations: false,
      readCode: false,
      manage: false,
    });
    expect(policy.functionAccess(user('vera', 'viewer'), byRole).visible).toBe(false);
  });

  it('answers NOT_FOUND for what one cannot see and FORBIDDEN for what one can see but not do', () => {
    expect(() => policy.assertCanInvoke(user('x', 'developer'), fn(), 'f')).toThrow(NotFoundError);
    expect(() => policy.assertCanInvoke(user('vera', 'viewer'), fn({ allowedUsers: ['vera'] }), 'f')).toThrow(ForbiddenError);
    expect(() => policy.assertCanManage(user('x', 'developer'), fn(), 'f')).toThrow(NotFoundError);
    expect(() => policy.assertCanManage(user('ivan', 'developer'), fn({ allowedUsers: ['ivan'] }), 'f')).toThrow(ForbiddenError);
  });

  it('lets callers read their own invocations', () => {
    expect(policy.canReadInvocation(user('ivan', 'invoker'), fn({ executionRoles: ['invoker'] }), { callerId: 'ivan' })).toBe(true);
    expect(policy.canReadInvocation(user('ivan', 'invoker'), fn({ executionRoles: ['invoker'] }), { callerId: 'olga' })).toBe(false);
    expect(policy.canReadInvocation(ANONYMOUS, fn({ public: true }), { callerId: null })).toBe(false);
  });
});
