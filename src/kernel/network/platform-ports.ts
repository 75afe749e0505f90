/**
 * The TCP ports this server listens on (API, functions, metrics), as bound: a port of 0 in
 * the settings is only known once listening. The egress gateway refuses them on every
 * address, so a function with network access cannot call the platform that runs it.
 */
export class PlatformPorts {
  private readonly ports = new Set<number>();

  constructor(configured: ReadonlyArray<number | undefined> = []) {
    for (const port of configured) if (port) this.ports.add(port);
  }

  /** Records a listener's port once it is bound. */
  add(port: number): void {
    if (port > 0) this.ports.add(port);
  }

  has(port: number): boolean {
    return this.ports.has(port);
  }
}
