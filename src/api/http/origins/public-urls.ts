import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { AppConfig } from '@/kernel/config/app-config.js';

/**
 * The base URLs clients are given: of the management API (where an invocation is read
 * back) and of the function endpoints (`Function.endpoints`, REST registration, the
 * `Location` of a queued call). Configured ones win; else this server's own addresses,
 * known once it listens (a port may be 0 until then).
 */
@Injectable()
export class PublicUrls {
  private functionsListener: string | null = null;

  constructor(
    private readonly config: AppConfig,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  /** Told by `FunctionsListener` once it listens. */
  functionsListenerStarted(address: AddressInfo): void {
    this.functionsListener = baseUrlOf(address);
  }

  /** `FNGRAPH_FUNCTIONS_URL`, else the functions listener, else `FNGRAPH_PUBLIC_URL`, else '' (paths on the API's origin). */
  functions(): string {
    return this.config.functionsOrigin.url ?? this.functionsListener ?? withoutTrailingSlash(this.config.publicUrl ?? '');
  }

  /** `FNGRAPH_PUBLIC_URL`, else the API listener's address (absolute either way: the functions origin links back to it). */
  api(): string {
    if (this.config.publicUrl) return withoutTrailingSlash(this.config.publicUrl);
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    const address = server?.address();
    return address && typeof address === 'object' ? baseUrlOf(address) : '';
  }
}

/** `http://host:port` of a listening socket; a wildcard address (all interfaces) is named `localhost`. */
function baseUrlOf(address: AddressInfo): string {
  const wildcard = address.address === '0.0.0.0' || address.address === '::';
  const host = wildcard ? 'localhost' : address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

function withoutTrailingSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
