import { useLayoutEffect, useRef } from 'react';
import './log-view.css';

/** One printed line, as `LogLine` carries it; a build's lines have neither time nor stream. */
export interface LogViewLine {
  seq: number;
  timestamp?: string | null;
  stream?: string;
  message: string;
  /** Lines the server dropped just before this one because the subscriber fell behind. */
  droppedBefore?: number;
}

/** How close to the bottom (px) still counts as "at the end": the view keeps following there. */
const FOLLOW_SLACK_PX = 24;

const STREAM_LABELS: Record<string, string> = { STDOUT: 'out', STDERR: 'err', SYSTEM: 'sys' };

function timeOf(timestamp: string | null | undefined): string {
  if (!timestamp) return '';
  const date = new Date(timestamp);
  return `${date.toLocaleTimeString(undefined, { hour12: false })}.${String(date.getMilliseconds()).padStart(3, '0')}`;
}

/**
 * Printed lines as a live log: number, time, stream (as text: stderr and platform lines are
 * also styled, never by colour alone) and message. New lines scroll into view while the
 * reader is at the end; once they scroll up to read, the view stays where they are.
 */
export function LogView({
  lines,
  label,
  live = false,
  truncated = false,
  empty = 'No output.',
}: {
  lines: readonly LogViewLine[];
  /** The log's accessible name, e.g. "Logs". */
  label: string;
  /** More lines may still come (shown, and announced politely). */
  live?: boolean;
  /** The stored log was cut (more lines were written than are kept). */
  truncated?: boolean;
  empty?: string;
}) {
  const box = useRef<HTMLOListElement>(null);
  const following = useRef(true);

  useLayoutEffect(() => {
    const element = box.current;
    if (element && following.current) element.scrollTop = element.scrollHeight;
  }, [lines]);

  const onScroll = () => {
    const element = box.current;
    if (element) following.current = element.scrollHeight - element.scrollTop - element.clientHeight <= FOLLOW_SLACK_PX;
  };

  return (
    <div className="log-view">
      <ol ref={box} className="log-lines" role="log" aria-label={label} aria-live={live ? 'polite' : 'off'} tabIndex={0} onScroll={onScroll}>
        {lines.length === 0 ? <li className="log-empty muted">{live ? 'Waiting for output…' : empty}</li> : null}
        {lines.map((line) => (
          <LogLineRow key={line.seq} line={line} />
        ))}
      </ol>
      {truncated ? <p className="small muted">More lines were written than are kept: this log is cut.</p> : null}
    </div>
  );
}

function LogLineRow({ line }: { line: LogViewLine }) {
  if (line.stream === undefined) {
    return (
      <li className="log-line log-line-bare">
        <span className="log-seq" aria-label={`line ${line.seq}`}>
          {line.seq}
        </span>
        <span className="log-message">{line.message}</span>
      </li>
    );
  }
  const stream = STREAM_LABELS[line.stream] ?? line.stream.toLowerCase();
  return (
    <>
      {line.droppedBefore ? (
        <li className="log-dropped" role="note">
          … {line.droppedBefore} {line.droppedBefore === 1 ? 'line' : 'lines'} skipped: this view fell behind
        </li>
      ) : null}
      <li className={`log-line log-${line.stream.toLowerCase()}`}>
        <span className="log-seq" aria-label={`line ${line.seq}`}>
          {line.seq}
        </span>
        <time className="log-time" dateTime={line.timestamp ?? undefined}>
          {timeOf(line.timestamp)}
        </time>
        <span className="log-stream">{stream}</span>
        <span className="log-message">{line.message}</span>
      </li>
    </>
  );
}
