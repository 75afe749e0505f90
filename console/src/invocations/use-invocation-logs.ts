import { useCallback, useRef, useState } from 'react';
import { useSubscription } from '@/api/hooks';
import { type ConsoleLogLineFragment, InvocationLogsDocument } from '@/api/graphql.generated';

export interface InvocationLogsState {
  lines: ConsoleLogLineFragment[];
  /** The server said the invocation ended: no more lines will come. */
  ended: boolean;
  error: Error | null;
}

/**
 * The lines of one invocation from the `invocationLogs` subscription: those already printed,
 * then live ones until it ends. A reconnect resumes after the last line received, so no
 * line shows twice. One invocation per mount: key the component by the invocation's id.
 */
export function useInvocationLogs(invocationId: string, options: { skip?: boolean } = {}): InvocationLogsState {
  const [lines, setLines] = useState<ConsoleLogLineFragment[]>([]);
  const lastSeq = useRef(0);
  const onLine = useCallback(({ invocationLogs: line }: { invocationLogs: ConsoleLogLineFragment }) => {
    if (line.seq <= lastSeq.current) return;
    lastSeq.current = line.seq;
    setLines((previous) => [...previous, line]);
  }, []);
  const { active, error } = useSubscription(InvocationLogsDocument, { invocationId, fromSeq: 0 }, onLine, {
    skip: options.skip,
    variablesOnRetry: () => ({ fromSeq: lastSeq.current }),
  });
  const [opened, setOpened] = useState(false);
  if (active && !opened) setOpened(true);
  return { lines, ended: opened && !active && !error, error };
}
