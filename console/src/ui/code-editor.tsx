import { javascript } from '@codemirror/lang-javascript';
import { json } from '@codemirror/lang-json';
import { python } from '@codemirror/lang-python';
import { Compartment, EditorState, type Extension } from '@codemirror/state';
import { oneDark } from '@codemirror/theme-one-dark';
import { EditorView } from '@codemirror/view';
import { basicSetup } from 'codemirror';
import { useEffect, useRef } from 'react';
import { type Theme, useTheme } from './theme';

export type CodeLanguage = 'javascript' | 'typescript' | 'python' | 'json' | 'text';

export function languageExtension(language: CodeLanguage): Extension {
  switch (language) {
    case 'javascript':
      return javascript({ jsx: true });
    case 'typescript':
      return javascript({ typescript: true });
    case 'python':
      return python();
    case 'json':
      return json();
    case 'text':
      return [];
  }
}

export function editorTheme(theme: Theme): Extension {
  return theme === 'dark' ? oneDark : [];
}

/**
 * A CodeMirror 6 editor for one document. The parent owns the text (`value`/`onChange`);
 * the language can change without losing the undo history. Tab indents: Escape then Tab
 * moves focus on, as CodeMirror documents for keyboard users.
 */
export function CodeEditor({
  value,
  onChange,
  language,
  label,
  readOnly = false,
  minHeight = '16rem',
}: {
  value: string;
  onChange?: (value: string) => void;
  language: CodeLanguage;
  /** The editor's accessible name. */
  label: string;
  readOnly?: boolean;
  minHeight?: string;
}) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const languageSlot = useRef(new Compartment());
  const themeSlot = useRef(new Compartment());
  const { theme } = useTheme();
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;

  useEffect(() => {
    const editor = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: value,
        extensions: [
          basicSetup,
          languageSlot.current.of(languageExtension(language)),
          themeSlot.current.of(editorTheme(theme)),
          EditorState.readOnly.of(readOnly),
          EditorView.editable.of(!readOnly),
          EditorView.contentAttributes.of({ 'aria-label': label }),
          EditorView.theme({ '&': { minHeight }, '.cm-scroller': { minHeight } }),
          EditorView.updateListener.of((update) => {
            if (update.docChanged) onChangeRef.current?.(update.state.doc.toString());
          }),
        ],
      }),
    });
    view.current = editor;
    return () => editor.destroy();
    // Created once per mode: later text, language and theme changes are dispatched below, keeping the undo history.
  }, [readOnly, label, minHeight]);

  useEffect(() => {
    const editor = view.current;
    if (editor && editor.state.doc.toString() !== value) editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: value } });
  }, [value]);

  useEffect(() => {
    view.current?.dispatch({ effects: languageSlot.current.reconfigure(languageExtension(language)) });
  }, [language]);

  useEffect(() => {
    view.current?.dispatch({ effects: themeSlot.current.reconfigure(editorTheme(theme)) });
  }, [theme]);

  return <div className="code-editor" ref={host} data-language={language} />;
}
