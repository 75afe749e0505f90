import { type RefObject, useEffect, useState } from 'react';

type CopyOutcome = 'copied' | 'refused' | null;

/** Puts the text shown in `target` under the reader's selection, ready for Ctrl+C. */
function selectContents(target: HTMLElement): void {
  if (target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement) {
    target.focus();
    target.select();
  } else {
    window.getSelection()?.selectAllChildren(target);
  }
}

/**
 * A "Copy" button for a text shown beside it (an endpoint URL, a key's secret), saying
 * beside it whether that worked. When the browser refuses the clipboard (no permission,
 * not a secure context), the shown text (`target`) is selected so Ctrl+C copies it.
 */
export function CopyButton({ text, label, target }: { text: string; label: string; target: RefObject<HTMLElement | null> }) {
  const [outcome, setOutcome] = useState<CopyOutcome>(null);
  useEffect(() => {
    // "Copied" is said for a moment; a refusal stays, since the selection waits for Ctrl+C.
    if (outcome !== 'copied') return;
    const timer = setTimeout(() => setOutcome(null), 2000);
    return () => clearTimeout(timer);
  }, [outcome]);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setOutcome('copied');
    } catch {
      if (target.current) selectContents(target.current);
      setOutcome('refused');
    }
  };
  return (
    <>
      <button type="button" className="small-button" aria-label={label} onClick={() => void copy()}>
        Copy
      </button>
      <span role="status" className="muted small">
        {outcome === 'copied' ? 'Copied' : outcome === 'refused' ? 'The browser refused the clipboard: the text is selected, press Ctrl+C' : ''}
      </span>
    </>
  );
}
