import { MergeView } from '@codemirror/merge';
import { EditorState } from '@codemirror/state';
import { EditorView, lineNumbers } from '@codemirror/view';
import { useEffect, useRef } from 'react';
import { type CodeLanguage, editorTheme, languageExtension } from '@/ui/code-editor';
import { useTheme } from '@/ui/theme';

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
  const { theme } = useTheme();
  useEffect(() => {
    const side = (doc: string, label: string) => ({
      doc,
      extensions: [
        lineNumbers(),
        languageExtension(language),
        editorTheme(theme),
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
