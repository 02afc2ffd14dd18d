// Server-sent events over fetch (EventSource can't send Authorization).
import { httpError } from './errors';

export interface SseMessage {
  id?: string;
  event?: string;
  data: string;
}

/** Incremental SSE parser: feed text chunks, get complete messages. */
export class SseParser {
  private buf = '';
  private data: string[] = [];
  private id: string | undefined;
  private event: string | undefined;

  push(chunk: string): SseMessage[] {
    this.buf += chunk;
    const out: SseMessage[] = [];
    for (;;) {
      const m = /\r\n|\r|\n/.exec(this.buf);
      if (!m) break;
      // A lone \r at the very end may be half of \r\n: wait for more.
      if (m[0] === '\r' && m.index === this.buf.length - 1) break;
      const line = this.buf.slice(0, m.index);
      this.buf = this.buf.slice(m.index + m[0].length);
      if (line === '') {
        if (this.data.length > 0) out.push({ id: this.id, event: this.event, data: this.data.join('\n') });
        this.data = [];
        this.event = undefined;
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      let value = colon === -1 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'data') this.data.push(value);
      else if (field === 'id') this.id = value;
      else if (field === 'event') this.event = value;
    }
    return out;
  }
}

/**
 * Read an SSE stream until it ends or `signal` aborts. Resolves when the
 * stream ends; rejects with HttpError (errors.ts) on a non-2xx answer.
 * `onOpen`: called once the server answered (it is subscribed from then on).
 */
export async function streamSse(
  url: string,
  init: RequestInit,
  onMessage: (m: SseMessage) => void,
  signal: AbortSignal,
  onOpen?: () => void,
): Promise<void> {
  const resp = await fetch(url, { ...init, signal, headers: { accept: 'text/event-stream', ...(init.headers ?? {}) } });
  if (!resp.ok || !resp.body) throw await httpError(resp);
  onOpen?.();
  const reader = resp.body.pipeThrough(new TextDecoderStream()).getReader();
  const parser = new SseParser();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    for (const m of parser.push(value)) onMessage(m);
  }
}
