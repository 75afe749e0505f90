import { ForbiddenError, UnauthenticatedError } from '@/kernel/errors/domain-error.js';
import { hasRole, isAuthenticated, type Principal } from '@/kernel/identity/principal.js';
import type { Gate } from './operation-gates.js';

/** True when the principal passes the gate, else the error to answer with. */
export function checkGate(gate: Gate, principal: Principal, field: string): true | Error {
  if (gate === 'public') return true;
  if (!isAuthenticated(principal)) return new UnauthenticatedError();
  if (gate === 'authenticated') return true;
  return hasRole(principal, ...gate) ? true : new ForbiddenError(`${field} needs one of the roles ${gate.join(', ')}`);
}
