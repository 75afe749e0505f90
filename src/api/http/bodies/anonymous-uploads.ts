import { Injectable } from '@nestjs/common';
import { AppConfig } from '@/kernel/config/app-config.js';
import { ServiceUnavailableError } from '@/kernel/errors/domain-error.js';

/**
 * Bounds how many request bodies from callers without credentials this node reads at
 * once (`FNGRAPH_MAX_ANONYMOUS_UPLOADS`): each may hold up to the body limit in memory
 * for up to the body timeout, and anyone can open them. Calls to public functions are
 * legitimate and carry bodies: they share the bound, they are not refused outright.
 */
@Injectable()
export class AnonymousUploads {
  private inProgress = 0;
  private readonly max: number;

  constructor(config: AppConfig) {
    this.max = config.requestBodies.maxAnonymousUploads;
  }

  /** Takes a place (refused with 503 and Retry-After when none is free); the returned function gives it back, once. */
  acquire(): () => void {
    if (this.inProgress >= this.max) {
      throw new ServiceUnavailableError(`Too many uploads without credentials in progress (at most ${this.max}): retry later, or send credentials`);
    }
    this.inProgress++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inProgress--;
    };
  }
}
