// A tiny OpenAI-compatible chat-completions server for tests: answers every
// request with REPLY, streamed in several SSE chunks when `stream: true`.
import http from 'node:http';

export const REPLY = 'STUB-REPLY: hello from the stub model, streamed in pieces.';

export function startStubLlm() {
  const requests = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', async () => {
      let json = {};
      try { json = JSON.parse(body || '{}'); } catch { /* ignore */ }
      requests.push({ url: req.url, stream: Boolean(json.stream) });
      if (req.method === 'GET' && req.url?.endsWith('/models')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ object: 'list', data: [{ id: 'stub-model', object: 'model' }] }));
        return;
      }
      if (!req.url?.endsWith('/chat/completions')) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end('{"error":{"message":"not found"}}');
        return;
      }
      const created = Math.floor(Date.now() / 1000);
      const id = `chatcmpl-${requests.length}`;
      const usage = { prompt_tokens: 10, completion_tokens: 12, total_tokens: 22 };
      if (!json.stream) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id, object: 'chat.completion', created, model: 'stub-model',
          choices: [{ index: 0, message: { role: 'assistant', content: REPLY }, finish_reason: 'stop' }], usage }));
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
      const chunk = (delta, finish = null, extra = {}) =>
        res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: 'stub-model', choices: [{ index: 0, delta, finish_reason: finish }], ...extra })}\n\n`);
      chunk({ role: 'assistant', content: '' });
      const pieces = REPLY.match(/.{1,8}/g) ?? [REPLY];
      for (const p of pieces) {
        chunk({ content: p });
        await new Promise((r) => setTimeout(r, 60));
      }
      chunk({}, 'stop', { usage });
      res.write('data: [DONE]\n\n');
      res.end();
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({ port, requests, close: () => new Promise((r) => server.close(r)) });
    });
  });
}
