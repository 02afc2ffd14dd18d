// Keeping the keyboard inside an overlay (the dialogs, the phone's session
// drawer): what can take the focus in it, and where Tab goes at its edges.
import { FOCUSABLE, trapTarget } from '../lib/a11y';

/** The elements of `box` Tab can reach, in order (hidden ones left out). */
export function focusables(box: HTMLElement): HTMLElement[] {
  return [...box.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => el.getClientRects().length > 0);
}

/** Handle Tab / Shift+Tab (`e`) so the focus stays inside `box`: at its
 *  last element Tab goes round to the first, and back. Other keys are left alone. */
export function keepTabInside(box: HTMLElement, e: KeyboardEvent): void {
  if (e.key !== 'Tab') return;
  const els = focusables(box);
  if (!els.length) {
    e.preventDefault();
    box.focus();
    return;
  }
  const to = trapTarget(els.length, els.indexOf(document.activeElement as HTMLElement), e.shiftKey);
  if (to !== null) {
    e.preventDefault();
    els[to]?.focus();
  }
}
