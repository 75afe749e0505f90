import { Injectable } from '@nestjs/common';

/**
 * One dependency `/health/ready` asks about. `check` resolves when the dependency answers
 * (optionally with a short detail, e.g. `in-process`) and rejects with the reason when it
 * does not. It must be cheap: it runs on every readiness probe, under a time limit.
 */
export interface HealthCheck {
  readonly name: string;
  check(): Promise<string | void>;
}

/**
 * The checks readiness runs. Each adapter of an external dependency adds its own (import
 * `HealthModule`, inject `HealthChecks` and `register` in `onModuleInit`).
 */
@Injectable()
export class HealthChecks {
  private readonly checks = new Map<string, HealthCheck>();

  /** Replaces a check of the same name. */
  register(check: HealthCheck): void {
    this.checks.set(check.name, check);
  }

  all(): HealthCheck[] {
    return [...this.checks.values()];
  }
}
