import { Global, Module } from '@nestjs/common';
import { AccessPolicy } from '@/modules/functions/function-access.policy.js';
import { AdminKeyBootstrap } from './admin-key.bootstrap.js';
import { ApiKeysResolver } from '@/api/graphql/auth/api-keys.resolver.js';
import { ApiKeysService } from './api-keys.service.js';
import { AuthenticationService } from './authentication.service.js';
import { CredentialRevocations } from './credential-revocations.js';
import { JwtVerifier } from './jwt-verifier.js';

/** Global: every feature checks access through the one policy. */
@Global()
@Module({
  providers: [AccessPolicy, ApiKeysService, AuthenticationService, CredentialRevocations, JwtVerifier, AdminKeyBootstrap, ApiKeysResolver],
  exports: [AccessPolicy, ApiKeysService, AuthenticationService, CredentialRevocations, JwtVerifier],
})
export class AuthModule {}
