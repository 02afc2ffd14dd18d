import { describe, expect, it } from 'vitest';
import { anchorAt, composerKey, isAtBottom, readableError, relativeTime } from './chat';
import { HttpError } from './errors';

describe('composer keys', () => {
  it('Enter sends; Shift+Enter, Alt+Enter and Enter while composing do not', () => {
    expect(composerKey({ key: 'Enter', shiftKey: false })).toBe('send');
    expect(composerKey({ key: 'Enter', shiftKey: true })).toBeNull();
    expect(composerKey({ key: 'Enter', shiftKey: false, altKey: true })).toBeNull();
    expect(composerKey({ key: 'Enter', shiftKey: false, isComposing: true })).toBeNull();
    expect(composerKey({ key: 'a', shiftKey: false })).toBeNull();
  });
});

describe('following the end', () => {
  it('at the end within some slack', () => {
    expect(isAtBottom({ scrollTop: 500, scrollHeight: 1000, clientHeight: 500 })).toBe(true);
    expect(isAtBottom({ scrollTop: 470, scrollHeight: 1000, clientHeight: 500 })).toBe(true);
    expect(isAtBottom({ scrollTop: 300, scrollHeight: 1000, clientHeight: 500 })).toBe(false);
    expect(isAtBottom({ scrollTop: 0, scrollHeight: 300, clientHeight: 500 })).toBe(true);
  });
});

describe('relative times', () => {
  const now = Date.UTC(2026, 10, 30, 12, 0, 0);
  it('reads as people say it', () => {
    expect(relativeTime(now - 10_000, now, 'en')).toBe('just now');
    expect(relativeTime(now - 5 * 60_000, now, 'en')).toBe('5 minutes ago');
    expect(relativeTime(now - 3 * 3_600_000, now, 'en')).toBe('3 hours ago');
    expect(relativeTime(now - 26 * 3_600_000, now, 'en')).toBe('yesterday');
    expect(relativeTime(now - 3 * 86_400_000, now, 'en')).toBe('3 days ago');
    expect(relativeTime(now - 400 * 86_400_000, now, 'en')).toBe('last year');
  });
});

describe('readable errors', () => {
  it('never shows a request URL', () => {
    const e = new HttpError(404, 'http_error', 'no route for POST http://127.0.0.1:4096/opencode/session/ses_1/prompt_async');
    const text = readableError(e);
    expect(text).toMatch(/^Could not send the message: /);
    expect(text).not.toMatch(/http|\/opencode|prompt_async/);
  });
  it('network failure, refused access, a bare status, an OpenCode message', () => {
    expect(readableError(new TypeError('Failed to fetch'))).toBe('Could not send the message: the host did not answer. Check the connection and try again.');
    expect(readableError(new HttpError(401, 'unauthorized', 'bad token'))).toMatch(/access was refused/);
    expect(readableError(new HttpError(502, 'http_error', 'HTTP 502'))).toBe('Could not send the message: the host answered with an error (502). Try again.');
    expect(readableError(new HttpError(404, 'http_error', 'Session not found: ses_1'), 'open the session')).toBe('Could not open the session: Session not found: ses_1');
    expect(readableError('weird')).toBe('Could not send the message. Try again.');
  });
});

describe('the reader\'s place in a transcript', () => {
  const tops = [{ id: 'a', top: 0, bottom: 100 }, { id: 'b', top: 100, bottom: 400 }, { id: 'c', top: 400, bottom: 450 }];
  it('is the first message not wholly above the view, and how far into it', () => {
    expect(anchorAt(tops, 0)).toEqual({ messageId: 'a', offset: 0 });
    expect(anchorAt(tops, 150.4)).toEqual({ messageId: 'b', offset: 50 });
    expect(anchorAt(tops, 100)).toEqual({ messageId: 'b', offset: 0 });
    expect(anchorAt(tops, 1000)).toEqual({ messageId: 'c', offset: 600 });
    expect(anchorAt([], 10)).toBeNull();
  });
});
