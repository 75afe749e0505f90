/**
 * After an interruption of its subscription, a subscriber re-reads what it follows at
 * once and twice more: the node that produces the events may reach Redis a little later
 * than this one (each retries on its own schedule) and only then rewrite what it lost.
 */
const REREAD_AFTER_MS = [0, 1000, 3000];

/** An `onResumed` that calls `signal` now and at each later re-read (nothing happens once the subscriber is gone: `signal` must allow that). */
export function resumeSignals(signal: () => void): () => void {
  return () => {
    for (const delay of REREAD_AFTER_MS) {
      if (delay === 0) signal();
      else setTimeout(signal, delay).unref();
    }
  };
}
