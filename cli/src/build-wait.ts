import { FunctionVersionDocument, VersionBuildLogsDocument, type BuildStatus, type FngraphClient } from '@fngraph/sdk';

export interface BuildOutcome {
  status: BuildStatus;
  buildLog: string;
}

/**
 * Waits for a version's dependency build to end, passing its lines to `onLine` as they
 * happen (graphql-ws `versionBuildLogs`), then reads the stored build log. Where the
 * subscription cannot be used (a proxy without WebSockets), it polls the version instead.
 */
export async function waitForBuild(client: FngraphClient, functionId: string, version: string, onLine: (line: string) => void): Promise<BuildOutcome> {
  let status: BuildStatus | undefined;
  try {
    for await (const { versionBuildLogs } of client.subscribe(VersionBuildLogsDocument, { functionId, version })) {
      if (versionBuildLogs.message != null) onLine(versionBuildLogs.message);
      else if (versionBuildLogs.status !== 'BUILDING') {
        status = versionBuildLogs.status;
        break;
      }
    }
  } catch {
    // Polled below.
  }
  for (let delay = 250; ; delay = Math.min(delay * 2, 2000)) {
    const { functionVersion } = await client.request(FunctionVersionDocument, { functionId, version });
    if (functionVersion.buildStatus !== 'BUILDING' || (status && status !== 'BUILDING')) {
      return { status: functionVersion.buildStatus, buildLog: functionVersion.buildLog };
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}
