import { hostname } from 'node:os';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Test, type TestingModule } from '@nestjs/testing';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppConfig } from '@/kernel/config/app-config.js';
import { dockerConnectionOptions } from '@/adapters/sandbox/docker/docker-connection.js';
import { DockerSandboxDriver } from '@/adapters/sandbox/docker/docker-sandbox.driver.js';
import { ExecutorModule } from '@/modules/executor/executor.module.js';
import { SandboxModule } from '@/adapters/sandbox/sandbox.module.js';
import { testKernelModules } from '../support/recorded-errors.js';
import { SandboxDriver } from '@/modules/executor/sandbox-driver.js';
import { describeWithDocker, dockerAnswers, dockerHost } from '../support/docker.js';
import { executorContract } from './executor.contract.js';

const available = await dockerAnswers();

describeWithDocker('Docker executor', available, () => {
  executorContract('docker', { env: { FNGRAPH_DOCKER_HOST: dockerHost } });
  // Where the protocol socket cannot be used (a remote engine, a server not running as root).
  executorContract('docker', { variant: 'attach stream', env: { FNGRAPH_DOCKER_HOST: dockerHost, FNGRAPH_DOCKER_PROTOCOL: 'attach' } });

  describe('Docker driver lifecycle', () => {
    const docker = new Docker(dockerConnectionOptions(dockerHost));
    let dataDir: string;

    beforeAll(() => {
      dataDir = mkdtempSync(join(tmpdir(), 'fngraph-docker-'));
    });
    afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

    async function openDriver(env: Record<string, string> = {}): Promise<{ moduleRef: TestingModule; driver: DockerSandboxDriver }> {
      const config = AppConfig.fromEnvironment({
        NODE_ENV: 'test',
        FNGRAPH_DATA_DIR: dataDir,
        FNGRAPH_EXECUTOR: 'docker',
        FNGRAPH_DOCKER_HOST: dockerHost,
        ...env,
      });
      const moduleRef = await Test.createTestingModule({
        imports: [...testKernelModules(config), ExecutorModule.register({ sandbox: SandboxModule.forConfig(config) })],
      }).compile();
      await moduleRef.init();
      return { moduleRef, driver: moduleRef.get(SandboxDriver) as DockerSandboxDriver };
    }

    it('removes containers a dead server left behind when it starts', async () => {
      const stale = await docker.createContainer({
        Image: 'fngraph/runtime-node:24',
        Cmd: ['node', '-e', '0'],
        Labels: { 'fngraph.managed': '1', 'fngraph.instance': 'dead-server', 'fngraph.owner': `${hostname()}:999999999` },
        HostConfig: { NetworkMode: 'none' },
      });
      const { moduleRef } = await openDriver();
      try {
        await expect(stale.inspect()).rejects.toMatchObject({ statusCode: 404 });
      } finally {
        await moduleRef.close();
      }
    });

    it('removes all of its containers when it shuts down', async () => {
      const { moduleRef, driver } = await openDriver();
      const filter = { label: [driver.instanceFilter] };
      const handles = await Promise.all([1, 2].map(() => driver.start({ runtime: 'nodejs24', memoryLimitMb: 64, label: 'lifecycle', dependenciesDir: null })));
      expect(await docker.listContainers({ all: true, filters: filter })).toHaveLength(2);
      expect(driver.liveSandboxes).toBe(2);
      await moduleRef.close();
      expect(await docker.listContainers({ all: true, filters: filter })).toHaveLength(0);
      for (const handle of handles) expect((await handle.exited).signal).toBe('SIGKILL');
    });

    it('speaks to the shim over a socket only its container mounts, which nothing can connect to once the shim has', async () => {
      const socketDirs = () => new Set(readdirSync(tmpdir()).filter((name) => name.startsWith('fngraph-protocol-')));
      const before = socketDirs();
      const { moduleRef, driver } = await openDriver();
      try {
        const handles = await Promise.all([1, 2].map(() => driver.start({ runtime: 'nodejs24', memoryLimitMb: 64, label: 'socket', dependenciesDir: null })));
        const containers = await docker.listContainers({ all: true, filters: { label: [driver.instanceFilter] } });
        const mounts = await Promise.all(containers.map(async (c) => (await docker.getContainer(c.Id).inspect()).HostConfig.Binds ?? []));
        const socketMounts = mounts.map((binds) => binds.filter((bind) => bind.endsWith(':/opt/fngraph/protocol:ro')));
        // One socket directory per container, each mounted into its own container only.
        expect(socketMounts.map((binds) => binds.length)).toEqual([1, 1]);
        const [first, second] = socketMounts.map((binds) => binds[0]!.split(':')[0]!);
        expect(first).not.toBe(second);
        for (const container of containers) expect(container.Command).toContain('--fngraph-protocol=unix:/opt/fngraph/protocol/shim.sock');
        // Connected: the listener is closed and its directory gone, so no second connection can be made.
        expect(existsSync(first!)).toBe(false);
        expect(existsSync(second!)).toBe(false);
        expect(socketDirs()).toEqual(before);
        // The protocol and the raw output are apart: raw stdout arrives on its own stream.
        for (const handle of handles) expect(handle.stdout).not.toBeNull();
        for (const handle of handles) handle.kill();
      } finally {
        await moduleRef.close();
      }
    });

    it('speaks over the attach stream when told to (FNGRAPH_DOCKER_PROTOCOL=attach)', async () => {
      const { moduleRef, driver } = await openDriver({ FNGRAPH_DOCKER_PROTOCOL: 'attach' });
      try {
        const handle = await driver.start({ runtime: 'nodejs24', memoryLimitMb: 64, label: 'attach', dependenciesDir: null });
        const [container] = await docker.listContainers({ all: true, filters: { label: [driver.instanceFilter] } });
        expect(container!.Command).toContain('--fngraph-protocol=stdout');
        expect((await docker.getContainer(container!.Id).inspect()).HostConfig.Binds?.some((bind) => bind.includes('/opt/fngraph/protocol'))).toBe(false);
        expect(handle.stdout).toBeNull();
        handle.kill();
      } finally {
        await moduleRef.close();
      }
    });

    it('lists the runtimes whose images are present', async () => {
      const { moduleRef, driver } = await openDriver();
      try {
        expect(await driver.availableRuntimes()).toContain('nodejs24');
      } finally {
        await moduleRef.close();
      }
    });
  });
});
