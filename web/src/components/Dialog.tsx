import { createUniqueId, onCleanup, onMount, type JSX } from 'solid-js';
import { focusables, keepTabInside } from './focus';

export interface DialogProps {
  title: string;
  onClose: () => void;
  /** A click on the dimmed page around the dialog closes it. */
  closeOnBackdrop?: boolean;
  /** Where the focus goes when it opens (a selector inside the dialog);
   *  the first focusable element when absent or not found. */
  initialFocus?: string;
  /** Where the focus goes when it closes and the element that opened it is gone. */
  returnFocus?: () => HTMLElement | null | undefined;
  testId?: string;
  children: JSX.Element;
}

/** The open dialogs, the top one last: only it answers the keyboard (a
 *  confirmation opened from a dialog sits on top of it). */
const open: symbol[] = [];

/** A modal dialog: the focus moves in when it opens, Tab and Shift+Tab stay
 *  inside, Escape closes it, and the focus goes back to what opened it. */
export function Dialog(props: DialogProps) {
  const titleId = createUniqueId();
  let box!: HTMLDivElement;
  const active = document.activeElement;
  const opener = active instanceof HTMLElement && active !== document.body ? active : null;

  const me = Symbol('dialog');
  const onKey = (e: KeyboardEvent) => {
    if (open[open.length - 1] !== me) return;
    if (e.key === 'Escape') {
      e.preventDefault();
      props.onClose();
      return;
    }
    keepTabInside(box, e);
  };

  onMount(() => {
    open.push(me);
    document.addEventListener('keydown', onKey);
    const first = (props.initialFocus ? box.querySelector<HTMLElement>(props.initialFocus) : null) ?? focusables(box)[0] ?? box;
    first.focus();
  });
  onCleanup(() => {
    const i = open.indexOf(me);
    if (i >= 0) open.splice(i, 1);
    document.removeEventListener('keydown', onKey);
    const back = opener?.isConnected ? opener : props.returnFocus?.();
    back?.focus();
  });

  return (
    <div class="overlay" onClick={(e) => props.closeOnBackdrop && e.target === e.currentTarget && props.onClose()}>
      <div class="dialog" ref={box} role="dialog" aria-modal="true" aria-labelledby={titleId} tabindex="-1" data-testid={props.testId}>
        <h2 id={titleId}>{props.title}</h2>
        {props.children}
      </div>
    </div>
  );
}
