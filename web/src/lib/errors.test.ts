import { describe, expect, it } from 'vitest';
import { httpError, HttpError } from './errors';

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('JSON errors', () => {
  it('reads the host error body {code, message, details}', async () => {
    const e = await httpError(json(503, { code: 'engine_unavailable', message: 'OpenCode is restarting', details: { state: 'backoff' } }));
    expect(e).toBeInstanceOf(HttpError);
    expect([e.status, e.code, e.message, e.details]).toEqual([503, 'engine_unavailable', 'OpenCode is restarting', { state: 'backoff' }]);
  });
  it('app backend codes pass through', async () => {
    const e = await httpError(json(401, { code: 'app_unauthorized', message: 'sign in' }));
    expect([e.code, e.message, e.details]).toEqual(['app_unauthorized', 'sign in', null]);
  });
  it('a body that is not a JSON error gives http_error / HTTP <status>', async () => {
    for (const resp of [new Response('Bad Gateway', { status: 502 }), json(502, null), json(502, [1]), json(502, { code: 7, message: {} }), new Response(null, { status: 502 })]) {
      const e = await httpError(resp);
      expect([e.status, e.code, e.message]).toEqual([502, 'http_error', 'HTTP 502']);
    }
  });
  it("OpenCode's own error body {name, data: {message}} gives its message", async () => {
    const e = await httpError(json(404, { name: 'NotFoundError', data: { message: 'Session not found: ses_x' } }));
    expect([e.status, e.code, e.message]).toEqual([404, 'http_error', 'Session not found: ses_x']);
  });
});
