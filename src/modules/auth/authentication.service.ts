import { Injectable } from '@nestjs/common';
import { UnauthenticatedError } from '@/kernel/errors/domain-error.js';
import { looksLikeApiKey } from './api-key-token.js';
import { ApiKeysService } from './api-keys.service.js';
import { InvalidTokenError, JwtVerifier } from './jwt-verifier.js';
import { ANONYMOUS, type Principal } from '@/kernel/identity/principal.js';

export interface PresentedCredentials {
  /** The `Authorization` header (or `connectionParams.authorization`). */
  authorization?: unknown;
  /** The `X-API-Key` header (or `connectionParams.apiKey`). */
  apiKey?: unknown;
}

/**
 * `management`: the API (GraphQL, REST, WebSocket): any Authorization value must be ours.
 * `function`: a function's own endpoint: an Authorization value that cannot be one of our
 * credentials (no `fng_` key, not a JWT while JWTs are enabled) belongs to the function and
 * is passed through untouched.
 */
export type AuthenticationMode = 'management' | 'function';

export interface Authentication {
  principal: Principal;
  /** Which presented values were platform credentials (and so must not reach a function). */
  consumed: { authorization: boolean; apiKey: boolean };
}

/** Turns presented credentials into a principal; refuses anything invalid (never downgrades to anonymous). */
@Injectable()
export class AuthenticationService {
  constructor(
    private readonly apiKeys: ApiKeysService,
    private readonly jwt: JwtVerifier,
  ) {}

  async authenticate(credentials: PresentedCredentials, mode: AuthenticationMode): Promise<Authentication> {
    const consumed = { authorization: false, apiKey: false };
    let token: string | undefined;
    if (credentials.apiKey !== undefined && credentials.apiKey !== null && credentials.apiKey !== '') {
      if (typeof credentials.apiKey !== 'string') throw new UnauthenticatedError('Invalid API key');
      token = credentials.apiKey.trim();
      consumed.apiKey = true;
    }
    const bearer = this.bearerToken(credentials.authorization, mode);
    if (bearer !== undefined) {
      if (token !== undefined) throw new UnauthenticatedError('Send one credential: either Authorization or X-API-Key');
      token = bearer;
      consumed.authorization = true;
    }
    if (token === undefined) return { principal: ANONYMOUS, consumed };
    return { principal: await this.verify(token), consumed };
  }

  private async verify(token: string): Promise<Principal> {
    if (looksLikeApiKey(token)) {
      const principal = await this.apiKeys.authenticate(token);
      if (!principal) throw new UnauthenticatedError('Invalid, expired or revoked API key');
      return principal;
    }
    try {
      return await this.jwt.verify(token);
    } catch (error) {
      if (error instanceof InvalidTokenError) throw new UnauthenticatedError(`Invalid token: ${error.message}`);
      throw error;
    }
  }

  /** The token of an Authorization value if it is meant for us; undefined if absent or the function's. */
  private bearerToken(value: unknown, mode: AuthenticationMode): string | undefined {
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value !== 'string') throw new UnauthenticatedError('Invalid Authorization value');
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(value);
    const token = match?.[1];
    if (mode === 'function') {
      if (token === undefined) return undefined;
      if (looksLikeApiKey(token) || (this.jwt.enabled && JwtVerifier.looksLikeJwt(token))) return token;
      return undefined;
    }
    if (token === undefined) throw new UnauthenticatedError('Use "Authorization: Bearer <API key or JWT>"');
    return token;
  }
}
