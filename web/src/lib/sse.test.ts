import { describe, expect, it } from 'vitest';
import { SseParser } from './sse';

describe('SSE parser', () => {
  it('parses events split across chunks', () => {
    const p = new SseParser();
    expect(p.push('id: 1\ndata: {"a"')).toEqual([]);
    expect(p.push(':1}\n\n')).toEqual([{ id: '1', event: undefined, data: '{"a":1}' }]);
  });
  it('multi-line data, comments, CRLF, event names; id persists', () => {
    const p = new SseParser();
    const out = p.push(': keep-alive\r\nevent: x\r\ndata: a\r\ndata: b\r\n\r\ndata: c\n\n');
    expect(out).toEqual([
      { id: undefined, event: 'x', data: 'a\nb' },
      { id: undefined, event: undefined, data: 'c' },
    ]);
  });
  it('a trailing CR waits for its LF', () => {
    const p = new SseParser();
    expect(p.push('data: z\r')).toEqual([]);
    expect(p.push('\n\r\n')).toEqual([{ id: undefined, event: undefined, data: 'z' }]);
  });
});
