import { MergeView } from '@codemirror/merge';
import { EditorState } from '@codemirror/state';
import { EditorView, lineNumbers } from '@codemirror/view';
import { useEffect, useRef, useState } from 'react';
import { type CodeLanguage, editorTheme, languageExtension } from '@/ui/code-editor';

/** Bumps when the console switches theme (`<html data-theme>`), so editors can take the other palette. */
function useThemeChanges(): number {
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    const observer = new MutationObserver(() => setGeneration((n) => n + 1));
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    return () => observer.disconnect();
  }, []);
  return generation;
}

/** Two versions' code side by side, read-only, changes marked (CodeMirror's merge view). */
export function CodeMergeView({
  before,
  after,
  language,
  beforeLabel,
  afterLabel,
}: {
  before: string;
  after: string;
  language: CodeLanguage;
  beforeLabel: string;
  afterLabel: string;
}) {
  const host = useRef<HTMLDivElement>(null);
  const theme = useThemeChanges();
  useEffect(() => {
    const side = (doc: string, label: string) => ({
      doc,
      extensions: [
        lineNumbers(),
        languageExtension(language),
        editorTheme(),
        EditorState.readOnly.of(true),
        EditorView.editable.of(false),
        EditorView.contentAttributes.of({ 'aria-label': label }),
      ],
    });
    const view = new MergeView({
      a: side(before, beforeLabel),
      b: side(after, afterLabel),
      parent: host.current!,
      gutter: true,
      collapseUnchanged: { margin: 3, minSize: 6 },
    });
    return () => view.destroy();
  }, [before, after, language, beforeLabel, afterLabel, theme]);
  return (
    <div className="merge-view">
      <div className="merge-labels" aria-hidden="true">
        <span>{beforeLabel}</span>
        <span>{afterLabel}</span>
      </div>
      <div className="code-editor" ref={host} />
    </div>
  );
}
