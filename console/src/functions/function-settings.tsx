import type { FnExecutionSettingsFragment } from '@/api/graphql.generated';

/** Limits, network and the async policy of a version, as read-only properties. */
export function SettingsList({ config }: { config: FnExecutionSettingsFragment }) {
  const { destinations, retry, network } = config;
  return (
    <dl className="properties">
      <dt>Timeout</dt>
      <dd>{config.timeout} s</dd>
      <dt>Memory</dt>
      <dd>{config.memoryLimit} MB</dd>
      <dt>Instances</dt>
      <dd>
        {config.minInstances} warm, at most {config.maxInstances ?? 'the platform default'} per node
      </dd>
      <dt>Concurrency</dt>
      <dd>{config.concurrency === 1 ? 'One invocation per sandbox at a time' : `Up to ${config.concurrency} invocations per sandbox at once`}</dd>
      <dt>Network</dt>
      <dd>
        {network.enabled ? (
          network.allow.length > 0 ? (
            <>
              Outbound allowed to <span className="mono">{network.allow.join(', ')}</span>
            </>
          ) : (
            'Enabled, but no destination allowed'
          )
        ) : (
          'No outbound access'
        )}
      </dd>
      <dt>Async retries</dt>
      <dd>
        {retry.attempts} attempt{retry.attempts === 1 ? '' : 's'}, backoff {retry.backoffSeconds} s
      </dd>
      {config.maxEventAgeSeconds !== null ? (
        <>
          <dt>Max event age</dt>
          <dd>{config.maxEventAgeSeconds} s</dd>
        </>
      ) : null}
      {destinations.onSuccess || destinations.onFailure ? (
        <>
          <dt>Destinations</dt>
          <dd>
            {destinations.onSuccess ? (
              <>
                on success → <span className="mono">{destinations.onSuccess}</span>{' '}
              </>
            ) : null}
            {destinations.onFailure ? (
              <>
                on failure → <span className="mono">{destinations.onFailure}</span>
              </>
            ) : null}
          </dd>
        </>
      ) : null}
    </dl>
  );
}

/** Names always; a value only when the caller may read the code, and never a secret's (the API does not return it). */
export function EnvironmentTable({ variables, valuesReadable }: { variables: FnExecutionSettingsFragment['environmentVariables']; valuesReadable: boolean }) {
  if (variables.length === 0) return <p className="muted">None.</p>;
  return (
    <table className="compact">
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Value</th>
        </tr>
      </thead>
      <tbody>
        {variables.map((variable) => (
          <tr key={variable.name}>
            <td className="mono">{variable.name}</td>
            <td>
              {variable.secret ? (
                <span className="badge">secret</span>
              ) : valuesReadable ? (
                <span className="mono">{variable.value}</span>
              ) : (
                <span className="muted">hidden (you may not read the code)</span>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function DependencyList({ dependencies }: { dependencies: Record<string, string> }) {
  const entries = Object.entries(dependencies);
  if (entries.length === 0) return <p className="muted">None.</p>;
  return (
    <table className="compact">
      <thead>
        <tr>
          <th scope="col">Package</th>
          <th scope="col">Version spec</th>
        </tr>
      </thead>
      <tbody>
        {entries.map(([name, spec]) => (
          <tr key={name}>
            <td className="mono">{name}</td>
            <td className="mono">{spec}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
