import { type DynamicModule, Module } from '@nestjs/common';
import type { ModuleImport } from '@/kernel/modules/module-import.js';
import { AdminKeyBootstrap } from './admin-key.bootstrap.js';
import { ApiKeysService } from './api-keys.service.js';
import { AuthenticationService } from './authentication.service.js';
import { CredentialRevocations } from './credential-revocations.js';
import { JwtVerifier } from './jwt-verifier.js';

export interface AuthModuleImports {
  /** Provides `ApiKeyRepository`. */
  storage: ModuleImport;
  /** Provides `EventBus` (revocations reach every node). */
  events: ModuleImport;
  audit: ModuleImport;
}

/** Credentials: API keys and JWTs turned into principals, key management, revocation on every node. */
@Module({})
export class AuthModule {
  static register(imports: AuthModuleImports): DynamicModule {
    return {
      module: AuthModule,
      imports: [imports.storage, imports.events, imports.audit],
      providers: [ApiKeysService, AuthenticationService, CredentialRevocations, JwtVerifier, AdminKeyBootstrap],
      exports: [ApiKeysService, AuthenticationService, CredentialRevocations],
    };
  }
}
