import type { IncomingMessage } from 'node:http';
import { Injectable } from '@nestjs/common';
import type { GraphQLSchemaHost } from '@nestjs/graphql';
import { type ExecutionArgs, getOperationAST, GraphQLError, type GraphQLFormattedError, parse, specifiedRules, validate } from 'graphql';
import { DomainError } from '@/kernel/errors/domain-error.js';
import { UnexpectedErrors } from '@/kernel/errors/unexpected-errors.js';
import { presentError } from '@/kernel/errors/error-presenter.js';
import { AppConfig } from '@/kernel/config/app-config.js';
import { AuthenticationService } from '@/modules/auth/authentication.service.js';
import { CredentialRevocations } from '@/modules/auth/credential-revocations.js';
import { requestOrigin } from '@/api/http/auth/request-actor.js';
import { type Actor, isAuthenticated } from '@/kernel/identity/principal.js';
import { RateLimitsService } from '@/modules/limits/rate-limits.service.js';
import { GraphQLLimits } from './cost/graphql-limits.js';
import { hardeningRules, parseOptions, withoutSuggestions } from './graphql-hardening.js';

/** graphql-ws close codes (the protocol's own). */
const UNAUTHORIZED = 4401;
const FORBIDDEN = 4403;
/** setTimeout's limit; longer-lived credentials are re-checked on every event anyway. */
const MAX_TIMER_MS = 2 ** 31 - 1;

interface Socket {
  close(code?: number, reason?: string): void;
}

/** What graphql-ws hands every hook (its `Context`), with our actor added on connect. */
export interface WsContext {
  connectionParams?: Readonly<Record<string, unknown>>;
  extra: { socket: Socket; request: IncomingMessage; actor?: Actor; expiryTimer?: NodeJS.Timeout };
}

interface SubscribePayload {
  query: string;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
}

/**
 * The graphql-ws side of authentication and hardening, where Apollo's plugins and
 * validation rules do not run:
 * - `onConnect` authenticates `connectionParams` (`authorization` or `apiKey`) and refuses
 *   the connection without valid credentials;
 * - `onSubscribe` rate-limits, then parses and validates with the same limits as HTTP,
 *   and serves only subscriptions (queries and mutations go over HTTP);
 * - `onNext` re-checks the credential before every event; a connection whose credential
 *   expires or is revoked is closed (4401 / 4403), at once, by timer or revocation event.
 */
@Injectable()
export class WsConnectionGuard {
  private readonly socketsByCredential = new Map<string, Set<Socket>>();

  constructor(
    private readonly authentication: AuthenticationService,
    private readonly revocations: CredentialRevocations,
    private readonly limits: RateLimitsService,
    private readonly config: AppConfig,
    private readonly errors: UnexpectedErrors,
  ) {
    this.revocations.onRevoked((credentialId) => {
      for (const socket of this.socketsByCredential.get(credentialId) ?? []) socket.close(FORBIDDEN, 'Credential revoked');
      this.socketsByCredential.delete(credentialId);
    });
  }

  hooks(schemaHost: GraphQLSchemaHost, format: (error: GraphQLFormattedError, original: unknown) => GraphQLFormattedError) {
    const rules = [...specifiedRules, ...hardeningRules(this.config)];
    const limits = new GraphQLLimits(this.config);
    return {
      onConnect: (ctx: WsContext) => this.onConnect(ctx),
      onSubscribe: (ctx: WsContext, _id: string, payload: SubscribePayload) => this.onSubscribe(ctx, payload, schemaHost, rules, limits),
      onNext: (ctx: WsContext, _id: string, _payload: unknown, _args: unknown, result: { errors?: readonly GraphQLError[] }) => {
        const actor = ctx.extra.actor;
        if (!actor || !this.revocations.isStillValid(actor.principal)) {
          this.closeInvalid(ctx);
          return { errors: [{ message: 'Credential expired or revoked', extensions: { code: 'UNAUTHENTICATED' } }] };
        }
        const oversize = limits.oversizeError(result);
        if (oversize) return { errors: [oversize] };
        // Apollo's formatError does not run for WebSocket operations: apply it here.
        return result.errors ? { ...result, errors: result.errors.map((e) => format(e.toJSON(), e)) } : undefined;
      },
      // Errors that end a subscription (thrown mid-stream) get the same codes as any other.
      onError: (_ctx: WsContext, _id: string, _payload: unknown, errors: readonly GraphQLError[]) => errors.map((e) => format(e.toJSON(), e)),
      onClose: (ctx: WsContext) => this.forget(ctx),
    };
  }

  private async onConnect(ctx: WsContext): Promise<boolean> {
    const params = ctx.connectionParams ?? {};
    let authorization = params.authorization ?? params.Authorization;
    if (typeof authorization === 'string' && authorization !== '' && !/^bearer\s/i.test(authorization)) authorization = `Bearer ${authorization}`;
    try {
      const { principal } = await this.authentication.authenticate({ authorization, apiKey: params.apiKey }, 'management');
      if (!isAuthenticated(principal)) {
        ctx.extra.socket.close(UNAUTHORIZED, 'Authentication required: connectionParams.authorization or apiKey');
        return false;
      }
      ctx.extra.actor = { principal, origin: requestOrigin(ctx.extra.request) };
      this.track(ctx);
      return true;
    } catch (error) {
      if (!(error instanceof DomainError)) this.errors.report(error, { source: 'graphql', where: 'connection_init', request: ctx.extra.request });
      ctx.extra.socket.close(UNAUTHORIZED, presentError(error).message.slice(0, 120));
      return false;
    }
  }

  private async onSubscribe(
    ctx: WsContext,
    payload: SubscribePayload,
    schemaHost: GraphQLSchemaHost,
    rules: typeof specifiedRules,
    limits: GraphQLLimits,
  ): Promise<ExecutionArgs | GraphQLError[]> {
    const actor = ctx.extra.actor;
    if (!actor || !this.revocations.isStillValid(actor.principal)) {
      this.closeInvalid(ctx);
      return [coded('Credential expired or revoked', 'UNAUTHENTICATED')];
    }
    try {
      await this.limits.consumeRequest(actor.principal, actor.origin);
    } catch (error) {
      const presented = presentError(error);
      return [coded(presented.message, presented.code, presented.retryAfterSeconds)];
    }
    if (typeof payload?.query !== 'string') return [coded('A query is required', 'BAD_USER_INPUT')];
    let document;
    try {
      document = parse(payload.query, parseOptions(this.config));
    } catch (error) {
      return [coded((error as Error).message, 'GRAPHQL_PARSE_FAILED')];
    }
    const schema = schemaHost.schema;
    const errors = validate(schema, document, rules);
    if (errors.length > 0) {
      return errors.map((e) =>
        coded(this.config.isProduction ? withoutSuggestions(e.message) : e.message, (e.extensions?.code as string) ?? 'GRAPHQL_VALIDATION_FAILED'),
      );
    }
    const operation = getOperationAST(document, payload.operationName ?? undefined);
    if (!operation) return [coded('Unable to identify the operation', 'BAD_USER_INPUT')];
    if (operation.operation !== 'subscription')
      return [coded('Only subscriptions are served over WebSocket; send queries and mutations over HTTP', 'BAD_USER_INPUT')];
    const tooCostly = limits.costError(schema, { document, operationName: payload.operationName, variables: payload.variables });
    if (tooCostly) return [coded(tooCostly.message, 'GRAPHQL_VALIDATION_FAILED')];
    return { schema, document, operationName: payload.operationName ?? undefined, variableValues: payload.variables ?? undefined };
  }

  private track(ctx: WsContext): void {
    const principal = ctx.extra.actor!.principal;
    const id = principal.credentialId;
    if (id) {
      let sockets = this.socketsByCredential.get(id);
      if (!sockets) this.socketsByCredential.set(id, (sockets = new Set()));
      sockets.add(ctx.extra.socket);
    }
    if (principal.expiresAt) {
      const ms = Math.max(0, principal.expiresAt.getTime() - Date.now());
      if (ms <= MAX_TIMER_MS) {
        ctx.extra.expiryTimer = setTimeout(() => ctx.extra.socket.close(UNAUTHORIZED, 'Credential expired'), ms);
        ctx.extra.expiryTimer.unref();
      }
    }
  }

  private forget(ctx: WsContext): void {
    if (ctx.extra.expiryTimer) clearTimeout(ctx.extra.expiryTimer);
    const id = ctx.extra.actor?.principal.credentialId;
    if (!id) return;
    const sockets = this.socketsByCredential.get(id);
    sockets?.delete(ctx.extra.socket);
    if (sockets?.size === 0) this.socketsByCredential.delete(id);
  }

  private closeInvalid(ctx: WsContext): void {
    const principal = ctx.extra.actor?.principal;
    const expired = principal?.expiresAt !== undefined && principal.expiresAt.getTime() <= Date.now();
    ctx.extra.socket.close(expired ? UNAUTHORIZED : FORBIDDEN, expired ? 'Credential expired' : 'Credential revoked');
  }
}

function coded(message: string, code: string, retryAfterSeconds?: number): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}) } });
}
