import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { npmTarball, pythonWheel } from './package-archives.js';

/** An HTTP server on a loopback port that records every request it gets. */
export interface RecordingServer {
  /** `http://127.0.0.1:<port>` (no trailing slash). */
  origin: string;
  /** `METHOD path` of every request, in order. */
  requests: string[];
  close(): Promise<void>;
}

type Files = Map<string, { type: string; body: Buffer }>;

/** Serves `files` by path (404 otherwise) and records requests. */
export async function startRecordingServer(files: Files = new Map()): Promise<RecordingServer> {
  const requests: string[] = [];
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    requests.push(`${request.method} ${request.url}`);
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
    const file = files.get(path);
    if (!file) {
      response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
      return;
    }
    response.writeHead(200, { 'content-type': file.type, 'content-length': file.body.length }).end(file.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface NpmPackageSpec {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  scripts?: Record<string, string>;
  /** Extra files in the tarball besides package.json and index.js. */
  files?: Record<string, string>;
}

/** A minimal npm registry: packuments at `/<name>`, tarballs at `/<name>/-/<name>-<version>.tgz`. */
export interface LocalNpmRegistry extends RecordingServer {
  /** The registry URL, as npm is configured with it (trailing slash). */
  url: string;
  publish(spec: NpmPackageSpec): void;
}

export async function startNpmRegistry(): Promise<LocalNpmRegistry> {
  const files: Files = new Map();
  const packuments = new Map<string, { name: string; 'dist-tags': Record<string, string>; versions: Record<string, unknown> }>();
  const server = await startRecordingServer(files);
  return {
    ...server,
    url: `${server.origin}/`,
    publish(spec) {
      const manifest = { name: spec.name, version: spec.version, main: 'index.js', dependencies: spec.dependencies ?? {}, scripts: spec.scripts ?? {} };
      const tarball = npmTarball({ 'package.json': JSON.stringify(manifest), 'index.js': `module.exports = ${JSON.stringify(spec.name)};\n`, ...spec.files });
      const tarballPath = `/${spec.name}/-/${spec.name.split('/').pop()}-${spec.version}.tgz`;
      files.set(tarballPath, { type: 'application/octet-stream', body: tarball });
      const packument = packuments.get(spec.name) ?? { name: spec.name, 'dist-tags': {}, versions: {} };
      packument['dist-tags'].latest = spec.version;
      const installScript = ['preinstall', 'install', 'postinstall'].some((name) => manifest.scripts[name] !== undefined);
      packument.versions[spec.version] = {
        ...manifest,
        // What the registry's abbreviated metadata says of packages with install scripts.
        ...(installScript ? { hasInstallScript: true } : {}),
        dist: {
          tarball: `${server.origin}${tarballPath}`,
          integrity: `sha512-${createHash('sha512').update(tarball).digest('base64')}`,
          shasum: createHash('sha1').update(tarball).digest('hex'),
        },
      };
      packuments.set(spec.name, packument);
      files.set(`/${spec.name}`, { type: 'application/json', body: Buffer.from(JSON.stringify(packument)) });
    },
  };
}

/** A PEP 503 simple index at `/simple/` serving wheels from `/files/`. */
export interface LocalPythonIndex extends RecordingServer {
  /** The index URL, as pip is configured with it. */
  url: string;
  publish(name: string, version: string, requires?: string[]): void;
  /** Publishes a source distribution only (`<name>-<version>.tar.gz`, whose setup.py would run at build). */
  publishSdist(name: string, version: string): void;
}

export async function startPythonIndex(): Promise<LocalPythonIndex> {
  const files: Files = new Map();
  const links = new Map<string, string[]>();
  const server = await startRecordingServer(files);
  const add = (name: string, fileName: string, data: Buffer) => {
    files.set(`/files/${fileName}`, { type: 'application/octet-stream', body: data });
    const sha256 = createHash('sha256').update(data).digest('hex');
    const project = name.toLowerCase().replace(/[-_.]+/g, '-');
    const anchors = [...(links.get(project) ?? []), `<a href="/files/${fileName}#sha256=${sha256}">${fileName}</a>`];
    links.set(project, anchors);
    const page = `<!DOCTYPE html><html><body>\n${anchors.join('<br/>\n')}\n</body></html>\n`;
    files.set(`/simple/${project}/`, { type: 'text/html', body: Buffer.from(page) });
  };
  return {
    ...server,
    url: `${server.origin}/simple/`,
    publish(name, version, requires = []) {
      const wheel = pythonWheel(name, version, requires);
      add(name, wheel.fileName, wheel.data);
    },
    publishSdist(name, version) {
      const base = `${name.replace(/-/g, '_')}-${version}`;
      const setup = `raise SystemExit("setup.py of ${name} ran")\n`;
      add(name, `${base}.tar.gz`, npmTarball({ 'setup.py': setup, 'PKG-INFO': `Metadata-Version: 2.1\nName: ${name}\nVersion: ${version}\n` }, base));
    },
  };
}
