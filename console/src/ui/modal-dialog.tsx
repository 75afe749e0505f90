import { type ReactNode, useEffect, useId, useRef } from 'react';
import './modal-dialog.css';

/**
 * A modal dialog on the native `<dialog>` element: the browser traps focus inside, makes
 * the rest of the page inert, and closes it on Escape (reported through `onClose`, so the
 * owner decides what closing means). Rendered only while open.
 */
export function ModalDialog({ title, onClose, children, className }: { title: string; onClose(): void; children: ReactNode; className?: string }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const onCloseRef = useRef(onClose);
  onCloseRef.current = onClose;
  useEffect(() => {
    const element = dialog.current!;
    // Where focus was, to give it back: keyboard users continue where they were.
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    element.showModal();
    const cancel = (event: Event) => {
      event.preventDefault();
      onCloseRef.current();
    };
    element.addEventListener('cancel', cancel);
    return () => {
      element.removeEventListener('cancel', cancel);
      element.close();
      if (opener?.isConnected) opener.focus();
    };
  }, []);
  return (
    <dialog ref={dialog} className={`modal${className ? ` ${className}` : ''}`} aria-labelledby={titleId}>
      <h2 id={titleId}>{title}</h2>
      {children}
    </dialog>
  );
}
