import { Injectable } from '@nestjs/common';
import { ForbiddenError, NotFoundError, UnauthenticatedError } from '@/kernel/errors/domain-error.js';
import type { FunctionRecord } from './function.record.js';
import { hasRole, isAdmin, isAuthenticated, type Principal } from '@/kernel/identity/principal.js';

/** What one principal may do with one function. */
export interface FunctionAccess {
  /** Knows the function exists: its metadata and versions (without code). */
  visible: boolean;
  invoke: boolean;
  /** Every caller's invocations and logs (others see only their own). */
  readInvocations: boolean;
  /** Source code and the values of non-secret variables. */
  readCode: boolean;
  /** New versions, permission changes, deletion. */
  manage: boolean;
}

const NONE: FunctionAccess = { visible: false, invoke: false, readInvocations: false, readCode: false, manage: false };
const ALL: FunctionAccess = { visible: true, invoke: true, readInvocations: true, readCode: true, manage: true };

/**
 * The one place that decides resource-level access (README: role matrix). Roles say
 * which verbs a principal has; the function's owner, `allowedUsers` and
 * `executionRoles` say on which functions:
 * - admin: everything;
 * - owner: read everything; manage and invoke with the developer role (invoke also as invoker);
 * - listed in `allowedUsers`: read metadata, invocations and logs; invoke as developer or
 *   invoker; read code as developer;
 * - holding one of `executionRoles`: see the function's metadata and invoke it;
 * - `public`: anyone, without credentials, may invoke it, and nothing else.
 * A function a principal cannot see answers NOT_FOUND, exactly like a missing one.
 */
@Injectable()
export class FunctionAccessPolicy {
  functionAccess(principal: Principal, fn: FunctionRecord): FunctionAccess {
    if (isAdmin(principal)) return ALL;
    const publicInvoke = fn.permissions.public && !fn.deletedAt;
    if (!isAuthenticated(principal)) return { ...NONE, invoke: publicInvoke };
    const subject = principal.subject;
    if (fn.ownerId !== null && fn.ownerId === subject) {
      const developer = hasRole(principal, 'developer');
      return {
        visible: true,
        invoke: publicInvoke || developer || hasRole(principal, 'invoker'),
        readInvocations: true,
        readCode: true,
        manage: developer,
      };
    }
    if (fn.permissions.allowedUsers.includes(subject)) {
      const executor = fn.permissions.executionRoles.some((role) => principal.roles.includes(role as never));
      return {
        visible: true,
        invoke: publicInvoke || executor || hasRole(principal, 'developer', 'invoker'),
        readInvocations: true,
        readCode: hasRole(principal, 'developer'),
        manage: false,
      };
    }
    if (fn.permissions.executionRoles.some((role) => principal.roles.includes(role as never))) {
      return { ...NONE, visible: true, invoke: true };
    }
    return { ...NONE, invoke: publicInvoke };
  }

  /** Throws NOT_FOUND (as for a missing function) unless the principal may see it. */
  assertVisible(principal: Principal, fn: FunctionRecord, key: string): FunctionAccess {
    const access = this.functionAccess(principal, fn);
    if (!access.visible) throw new NotFoundError('Function', key);
    return access;
  }

  assertCanInvoke(principal: Principal, fn: FunctionRecord, key: string): void {
    const access = this.functionAccess(principal, fn);
    if (access.invoke) return;
    if (!access.visible) {
      // Without credentials a private function looks missing; saying "log in" would confirm it exists.
      throw new NotFoundError('Function', key);
    }
    throw new ForbiddenError(`You may not invoke ${fn.name}`);
  }

  assertCanManage(principal: Principal, fn: FunctionRecord, key: string): void {
    const access = this.assertVisible(principal, fn, key);
    if (!access.manage) throw new ForbiddenError(`You may not change ${fn.name}`);
  }

  assertCanReadCode(principal: Principal, fn: FunctionRecord, key: string): void {
    const access = this.assertVisible(principal, fn, key);
    if (!access.readCode) throw new ForbiddenError(`You may not read the code of ${fn.name}`);
  }

  /** An invocation is readable by whoever may read the function's invocations, and by its caller. */
  canReadInvocation(principal: Principal, fn: FunctionRecord | null, invocation: { callerId: string | null }): boolean {
    if (isAdmin(principal)) return true;
    if (!isAuthenticated(principal)) return false;
    if (invocation.callerId !== null && invocation.callerId === principal.subject) return true;
    return fn !== null && this.functionAccess(principal, fn).readInvocations;
  }

  requireAuthenticated(principal: Principal): asserts principal is Principal & { subject: string } {
    if (!isAuthenticated(principal)) throw new UnauthenticatedError();
  }
}
