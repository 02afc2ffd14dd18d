// Keyboard decisions of the overlays and tabs, without DOM or Solid: where
// Tab moves the focus inside a dialog, where the arrow keys move it in a row
// of tabs, what a permission prompt says to a screen reader.

/** What can take the focus with Tab (the dialogs' focus trap looks for these). */
export const FOCUSABLE = [
  'a[href]', 'button:not([disabled])', 'input:not([disabled]):not([type="hidden"])', 'select:not([disabled])',
  'textarea:not([disabled])', 'summary', '[tabindex]:not([tabindex="-1"])',
].join(', ');

/** Focus trap: of `count` focusable elements, the one Tab (Shift+Tab with
 *  `shift`) moves to from `index` (-1: the focus is on none of them), when
 *  the browser's own move would leave the dialog; null: let the browser move. */
export function trapTarget(count: number, index: number, shift: boolean): number | null {
  if (count === 0) return null;
  if (index < 0) return shift ? count - 1 : 0;
  if (shift && index === 0) return count - 1;
  if (!shift && index === count - 1) return 0;
  return null;
}

/** A row of tabs: the tab a key moves to from `index` of `count` (Left/Right
 *  wrap around, Home, End), or null for any other key. */
export function tabKeyTarget(key: string, index: number, count: number): number | null {
  if (count === 0) return null;
  switch (key) {
    case 'ArrowRight':
      return (index + 1) % count;
    case 'ArrowLeft':
      return (index - 1 + count) % count;
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    default:
      return null;
  }
}

/** What a screen reader says when OpenCode asks for a permission. */
export function permissionAnnouncement(p: { title: string; patterns: string[]; subagent?: boolean }): string {
  const on = p.patterns.length ? ` on ${p.patterns.join(', ')}` : '';
  return `Permission needed: ${p.subagent ? 'a subagent' : 'OpenCode'} asks for ${p.title}${on}. Allow once, Always allow, or Reject.`;
}

/** What a screen reader says when the agent asks the user a question. */
export function questionAnnouncement(q: { questions: { question: string }[] }): string {
  const first = q.questions[0]?.question ?? '';
  const more = q.questions.length > 1 ? ` (and ${q.questions.length - 1} more)` : '';
  const said = `${first}${more}`;
  return `Question from OpenCode: ${said}${/[.?!]$/.test(said) ? '' : '.'} Answer or dismiss it below.`;
}
