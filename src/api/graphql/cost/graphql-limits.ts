import { type DocumentNode, GraphQLError, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import type { AppConfig } from '@/kernel/config/app-config.js';
import { ErrorCode } from '@/kernel/errors/error-code.js';
import { ResponseTooLargeError } from '@/kernel/errors/domain-error.js';
import { type CostModel, costModel } from './cost-model.js';
import { operationCost } from './operation-cost.js';
import { exceedsJsonSize } from './response-size.js';

export interface OperationRequest {
  document: DocumentNode;
  operationName?: string | null;
  variables?: Readonly<Record<string, unknown>> | null;
}

/**
 * The two limits on what one operation may produce, shared by HTTP (Apollo plugin) and
 * graphql-ws (connection guard): its cost, checked once the variables are known and before
 * anything runs; and, as a backstop, the size of each result.
 */
export class GraphQLLimits {
  private readonly model: CostModel;
  private readonly maxCost: number;
  readonly maxResponseBytes: number;

  constructor(config: AppConfig) {
    this.model = costModel(config);
    this.maxCost = config.graphqlLimits.maxCost;
    this.maxResponseBytes = config.graphqlLimits.maxResponseBytes;
  }

  /** A validation error (`GRAPHQL_VALIDATION_FAILED`, HTTP 400) when the operation costs too much. */
  costError(schema: GraphQLSchema, request: OperationRequest): GraphQLError | undefined {
    const cost = operationCost(schema, request.document, request.operationName, request.variables, this.model);
    if (cost <= this.maxCost) return undefined;
    return new GraphQLError(`Query cost limit of ${this.maxCost} exceeded, found ${cost}: ask for smaller pages, fewer lists or fewer large fields`, {
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED', cost, maxCost: this.maxCost, http: { status: 400 } },
    });
  }

  /** The error replacing a result (data and errors) that is larger than allowed, or undefined when it fits. */
  oversizeError(result: unknown): GraphQLFormattedError | undefined {
    if (!exceedsJsonSize(result, this.maxResponseBytes)) return undefined;
    return { message: new ResponseTooLargeError(this.maxResponseBytes).message, extensions: { code: ErrorCode.RESPONSE_TOO_LARGE } };
  }
}
