import { describe, expect, it } from 'vitest';
import { applyEvent, emptyTranscript, messageText, pendingPermissions, transcriptFromList } from './opencode';

const S = 'ses_1';
describe('transcript from events', () => {
  it('streams text deltas into the assistant message', () => {
    let t = emptyTranscript(S);
    t = applyEvent(t, { type: 'message.updated', properties: { sessionID: S, info: { id: 'msg_u', sessionID: S, role: 'user', time: { created: 1 } } } });
    t = applyEvent(t, { type: 'message.part.updated', properties: { sessionID: S, part: { id: 'prt_u', sessionID: S, messageID: 'msg_u', type: 'text', text: 'hi' }, time: 1 } });
    t = applyEvent(t, { type: 'session.status', properties: { sessionID: S, status: { type: 'busy' } } });
    t = applyEvent(t, { type: 'message.updated', properties: { sessionID: S, info: { id: 'msg_a', sessionID: S, role: 'assistant', time: { created: 2 } } } });
    t = applyEvent(t, { type: 'message.part.delta', properties: { sessionID: S, messageID: 'msg_a', partID: 'prt_a', field: 'text', delta: 'Hel' } });
    t = applyEvent(t, { type: 'message.part.delta', properties: { sessionID: S, messageID: 'msg_a', partID: 'prt_a', field: 'text', delta: 'lo' } });
    expect(t.busy).toBe(true);
    expect(t.messages.map((m) => [m.role, messageText(m)])).toEqual([['user', 'hi'], ['assistant', 'Hello']]);
    t = applyEvent(t, { type: 'message.part.updated', properties: { sessionID: S, part: { id: 'prt_a', sessionID: S, messageID: 'msg_a', type: 'text', text: 'Hello!' }, time: 3 } });
    t = applyEvent(t, { type: 'session.idle', properties: { sessionID: S } });
    expect(messageText(t.messages[1]!)).toBe('Hello!');
    expect(t.busy).toBe(false);
  });
  it('ignores other sessions and unknown events', () => {
    const t = emptyTranscript(S);
    expect(applyEvent(t, { type: 'message.part.delta', properties: { sessionID: 'ses_2', messageID: 'm', partID: 'p', field: 'text', delta: 'x' } })).toBe(t);
    expect(applyEvent(t, { type: 'server.heartbeat', properties: {} })).toBe(t);
  });
  it('permission requests come and go', () => {
    let t = emptyTranscript(S);
    t = applyEvent(t, { type: 'permission.asked', properties: { id: 'per_1', sessionID: S, permission: 'bash', patterns: ['ls'], metadata: {}, always: [] } });
    expect(t.permissions).toEqual([{ id: 'per_1', sessionID: S, title: 'bash', patterns: ['ls'] }]);
    t = applyEvent(t, { type: 'permission.replied', properties: { sessionID: S, requestID: 'per_1', reply: 'once' } });
    expect(t.permissions).toEqual([]);
  });
  it('pending permissions of the opened session come from GET /permission', () => {
    const listed = [
      { id: 'per_1', sessionID: S, permission: 'bash', patterns: ['echo hi'], metadata: {}, always: [] },
      { id: 'per_2', sessionID: 'ses_other', permission: 'edit', patterns: ['a.txt'], metadata: {}, always: [] },
      { sessionID: S, permission: 'bash' },
      'garbage',
    ];
    expect(pendingPermissions(S, listed)).toEqual([{ id: 'per_1', sessionID: S, title: 'bash', patterns: ['echo hi'] }]);
    expect(pendingPermissions(S, { not: 'a list' })).toEqual([]);
  });
  it('an abort is shown once, whichever of message.updated and session.error comes first', () => {
    const aborted = { name: 'MessageAbortedError', data: { message: 'Aborted' } };
    const msg = { type: 'message.updated', properties: { info: { id: 'msg_a', sessionID: S, role: 'assistant', time: { created: 1, completed: 2 }, error: aborted } } };
    const err = { type: 'session.error', properties: { sessionID: S, error: aborted } };
    for (const order of [[msg, err], [err, msg]]) {
      let t = { ...emptyTranscript(S), busy: true };
      for (const ev of order) t = applyEvent(t, ev);
      expect(t.messages.filter((m) => m.error === 'Aborted')).toHaveLength(1);
      expect(t.messages.map((m) => m.id)).toEqual(['msg_a']);
      expect(t.busy).toBe(false);
    }
    // An error of no message still shows.
    const t = applyEvent(emptyTranscript(S), { type: 'session.error', properties: { sessionID: S, error: { name: 'ProviderAuthError', data: { message: 'bad key' } } } });
    expect(t.messages.map((m) => m.error)).toEqual(['bad key']);
  });
  it('loads a listed session', () => {
    const t = transcriptFromList(S, [
      { info: { id: 'm1', role: 'user' }, parts: [{ id: 'p1', type: 'text', text: 'q' }] },
      { info: { id: 'm2', role: 'assistant', time: { completed: 5 } }, parts: [{ id: 'p2', type: 'text', text: 'a' }, { id: 'p3', type: 'tool', tool: 'bash', state: { status: 'completed' } }] },
      { bogus: true },
    ]);
    expect(t.messages.map(messageText)).toEqual(['q', 'a']);
    expect(t.messages[1]?.parts[1]).toMatchObject({ tool: 'bash', status: 'completed' });
    expect(t.messages[1]?.done).toBe(true);
  });
});
