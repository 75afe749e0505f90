import { LRUCache } from 'lru-cache';

/** The label value shared by everything beyond a cap (not a valid function or operation name). */
export const OVERFLOW_LABEL = '_other';

/**
 * Keeps label cardinality bounded: the first `max` distinct values keep their own label,
 * later ones share `OVERFLOW_LABEL`. First come, first kept: a value never changes label
 * while the process lives, so its series stay continuous.
 */
export class FirstSeenLabels {
  private readonly kept = new Set<string>();

  constructor(private readonly max: number) {}

  label(value: string): string {
    if (this.kept.has(value)) return value;
    if (this.kept.size >= this.max) return OVERFLOW_LABEL;
    this.kept.add(value);
    return value;
  }
}

/**
 * Per key (a function), the `max` most recently used values (its versions) keep their own
 * label. Versions only grow, so a first-come cap would put every new deployment into
 * `_other`; instead the least recently used one is dropped and `onEvict` removes its series.
 */
export class RecentLabels {
  private readonly byKey = new Map<string, LRUCache<string, true>>();

  constructor(
    private readonly max: number,
    private readonly onEvict: (key: string, value: string) => void,
  ) {}

  label(key: string, value: string): string {
    if (key === OVERFLOW_LABEL) return OVERFLOW_LABEL;
    let values = this.byKey.get(key);
    if (!values) {
      values = new LRUCache<string, true>({
        max: this.max,
        dispose: (_kept, evicted, reason) => {
          if (reason === 'evict') this.onEvict(key, evicted);
        },
      });
      this.byKey.set(key, values);
    }
    values.set(value, true);
    return value;
  }
}
