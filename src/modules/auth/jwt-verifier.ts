import { createPublicKey, createSecretKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Injectable } from '@nestjs/common';
import { createLocalJWKSet, createRemoteJWKSet, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from 'jose';
import { AppConfig, ConfigError, type JwtConfig } from '@/kernel/config/app-config.js';
import type { Principal } from '@/kernel/identity/principal.js';
import { isRole, type Role } from '@/kernel/identity/roles.js';
import { isValidSubject } from '@/kernel/identity/subject.js';

/** Longer tokens are refused before any parsing. */
const MAX_TOKEN_LENGTH = 8192;
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
/** Asymmetric algorithms accepted from public keys and key sets; HS* never come from there. */
const ASYMMETRIC = ['RS256', 'PS256', 'ES256'];

export class InvalidTokenError extends Error {}

type Key = { kind: 'static'; key: KeyObject; algorithms: string[] } | { kind: 'set'; getKey: JWTVerifyGetKey; algorithms: string[] };

/**
 * Verifies bearer JWTs against one configured key source: an HS256 secret, an RS256/ES256
 * public key, or a JWKS (file or URL). Each source names its algorithms, so a token signed
 * with `none`, or an HS256 token "signed" with a public key, is refused. Expiry, issuer and
 * audience are required and checked.
 */
@Injectable()
export class JwtVerifier {
  private readonly settings: JwtConfig;
  private readonly key: Key | null;

  constructor(config: AppConfig) {
    this.settings = config.auth.jwt;
    this.key = loadKey(this.settings);
  }

  get enabled(): boolean {
    return this.key !== null;
  }

  static looksLikeJwt(token: string): boolean {
    return token.length <= MAX_TOKEN_LENGTH && JWT_SHAPE.test(token);
  }

  async verify(token: string): Promise<Principal> {
    if (!this.key) throw new InvalidTokenError('JWT authentication is not configured');
    if (!JwtVerifier.looksLikeJwt(token)) throw new InvalidTokenError('Malformed token');
    const options = {
      algorithms: this.key.algorithms,
      issuer: this.settings.issuer,
      audience: this.settings.audience,
      clockTolerance: this.settings.clockToleranceSeconds,
      requiredClaims: ['exp', 'sub'],
    };
    let payload: JWTPayload;
    try {
      payload = (this.key.kind === 'static' ? await jwtVerify(token, this.key.key, options) : await jwtVerify(token, this.key.getKey, options)).payload;
    } catch (error) {
      throw new InvalidTokenError((error as Error).message);
    }
    if (!isValidSubject(payload.sub)) throw new InvalidTokenError('The token subject is not a valid user id');
    return {
      kind: 'jwt',
      subject: payload.sub,
      roles: rolesFrom(claimAt(payload, this.settings.rolesClaim)),
      credentialId: `jwt:${payload.sub}`,
      expiresAt: new Date((payload.exp as number) * 1000),
    };
  }
}

function loadKey(settings: JwtConfig): Key | null {
  if (settings.secret) {
    return { kind: 'static', key: createSecretKey(Buffer.from(settings.secret, 'utf8')), algorithms: ['HS256'] };
  }
  if (settings.publicKey) {
    let key: KeyObject;
    try {
      key = createPublicKey(settings.publicKey);
    } catch (error) {
      throw new ConfigError(`FNGRAPH_JWT_PUBLIC_KEY is not a PEM public key: ${(error as Error).message}`);
    }
    const algorithms = key.asymmetricKeyType === 'rsa' ? ['RS256', 'PS256'] : key.asymmetricKeyType === 'ec' ? ['ES256'] : [];
    if (algorithms.length === 0) throw new ConfigError(`FNGRAPH_JWT_PUBLIC_KEY: unsupported key type ${key.asymmetricKeyType}`);
    return { kind: 'static', key, algorithms };
  }
  if (settings.jwksFile) {
    let jwks: unknown;
    try {
      jwks = JSON.parse(readFileSync(settings.jwksFile, 'utf8'));
    } catch (error) {
      throw new ConfigError(`FNGRAPH_JWT_JWKS_FILE cannot be read: ${(error as Error).message}`);
    }
    return { kind: 'set', getKey: createLocalJWKSet(jwks as Parameters<typeof createLocalJWKSet>[0]), algorithms: ASYMMETRIC };
  }
  if (settings.jwksUrl) {
    return { kind: 'set', getKey: createRemoteJWKSet(new URL(settings.jwksUrl), { timeoutDuration: 5000, cooldownDuration: 30_000 }), algorithms: ASYMMETRIC };
  }
  return null;
}

/** A claim by name or dotted path (e.g. `realm_access.roles`). */
function claimAt(payload: JWTPayload, path: string): unknown {
  let value: unknown = payload;
  for (const part of path.split('.')) {
    if (typeof value !== 'object' || value === null || !Object.prototype.hasOwnProperty.call(value, part)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** An array of role names or a space-separated string; unknown roles are ignored. */
function rolesFrom(claim: unknown): Role[] {
  const names = Array.isArray(claim) ? claim : typeof claim === 'string' ? claim.split(/\s+/) : [];
  return [...new Set(names.filter(isRole))];
}
