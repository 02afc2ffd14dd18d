// The chat view's small decisions, without DOM or Solid: keys of the
// composer, following the end of the transcript, times and error lines.
import { HttpError } from './errors';

/** What a key press in the composer does: Enter sends, Shift+Enter (and
 *  Enter while an input method composes a character) is left to the textarea. */
export function composerKey(e: { key: string; shiftKey: boolean; isComposing?: boolean; altKey?: boolean }): 'send' | null {
  if (e.key !== 'Enter' || e.shiftKey || e.altKey || e.isComposing) return null;
  return 'send';
}

/** Whether a scroll box is at its end (within `slack` px): then it follows new content. */
export function isAtBottom(box: { scrollTop: number; scrollHeight: number; clientHeight: number }, slack = 48): boolean {
  return box.scrollHeight - box.scrollTop - box.clientHeight <= slack;
}

/** The reader's place in a transcript scrolled to `scrollTop`: the first
 *  message (`tops`: each message's top and bottom in the scrolled content,
 *  in order) not wholly above the view, and how far above the view's top
 *  its top is. Null when there are no messages. */
export function anchorAt(tops: { id: string; top: number; bottom: number }[], scrollTop: number): { messageId: string; offset: number } | null {
  const m = tops.find((t) => t.bottom > scrollTop) ?? tops.at(-1);
  return m ? { messageId: m.id, offset: Math.round(scrollTop - m.top) } : null;
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 86_400_000],
  ['month', 30 * 86_400_000],
  ['week', 7 * 86_400_000],
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
];

/** "just now", "5 minutes ago", "yesterday", … for a time `then` (Unix ms) seen at `now`. */
export function relativeTime(then: number, now: number, locale?: string): string {
  const diff = then - now;
  if (Math.abs(diff) < 45_000) return 'just now';
  const fmt = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  for (const [unit, ms] of UNITS) {
    if (Math.abs(diff) >= ms || unit === 'minute') return fmt.format(Math.round(diff / ms), unit);
  }
  return 'just now';
}

/** A line a person can read for a failed send (or other action): what went
 *  wrong, never a request URL. */
export function readableError(e: unknown, action = 'send the message'): string {
  if (e instanceof HttpError) {
    if (e.status === 401) return `Could not ${action}: this device's access was refused. Pair it again.`;
    if (e.status === 403) return `Could not ${action}: this device may not do that (${stripUrls(e.message)}).`;
    const msg = stripUrls(e.message);
    if (/^HTTP \d+$/.test(msg)) return `Could not ${action}: the host answered with an error (${e.status}). Try again.`;
    return `Could not ${action}: ${msg}`;
  }
  if (e instanceof TypeError || (e instanceof Error && /fetch|network/i.test(e.message))) {
    return `Could not ${action}: the host did not answer. Check the connection and try again.`;
  }
  const msg = e instanceof Error ? stripUrls(e.message) : '';
  return msg ? `Could not ${action}: ${msg}` : `Could not ${action}. Try again.`;
}

/** `text` without URLs and API paths (`/opencode/session/…`). */
function stripUrls(text: string): string {
  return text
    .replace(/\b[a-z][a-z0-9+.-]*:\/\/\S+/gi, '(address)')
    .replace(/(^|\s)\/(?:opencode|app|workspace|session)\/\S*/g, '$1(address)')
    .trim();
}
