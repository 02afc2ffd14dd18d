import { describe, expect, it } from 'vitest';
import { mergeListing, dropUndone, keepSame, subagentSessions, redoTarget, shownMessages, undoneCount, undoTarget, addOptimistic, applyEvent, OWN_ANSWER, pendingQuestions, questionAnswers, dropOptimistic, emptyTranscript, keepOptimistic, messageText, pendingPermissions, sessionTitle, todosFrom, todosOpen, todoSummary, transcriptFromList } from './opencode';

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
  it('a tool part carries its input, title, output, error and metadata', () => {
    let t = emptyTranscript(S);
    const part = (state: unknown) => ({ type: 'message.part.updated', properties: { part: { id: 'prt_t', sessionID: S, messageID: 'msg_a', type: 'tool', tool: 'edit', callID: 'c1', state } } });
    t = applyEvent(t, part({ status: 'pending', input: {}, raw: '' }));
    expect(t.messages[0]?.parts[0]).toMatchObject({ tool: 'edit', status: 'pending', input: {} });
    t = applyEvent(t, part({ status: 'completed', input: { filePath: '/w/a.ts' }, output: 'ok', title: 'a.ts', metadata: { diff: '@@ -1 +1 @@' }, time: { start: 1, end: 2 } }));
    expect(t.messages[0]?.parts).toEqual([
      { id: 'prt_t', type: 'tool', text: '', tool: 'edit', status: 'completed', input: { filePath: '/w/a.ts' }, output: 'ok', title: 'a.ts', metadata: { diff: '@@ -1 +1 @@' } },
    ]);
    t = applyEvent(t, part({ status: 'error', input: { filePath: '/w/a.ts' }, error: 'rejected', time: { start: 1, end: 2 } }));
    expect(t.messages[0]?.parts[0]).toMatchObject({ status: 'error', error: 'rejected' });
    expect(t.messages[0]?.parts[0]?.output).toBeUndefined();
  });
});

describe('a message sent from here', () => {
  const userInfo = (id: string) => ({ type: 'message.updated', properties: { info: { id, sessionID: S, role: 'user', time: { created: 1 } } } });
  const userText = (mid: string, text: string) => ({ type: 'message.part.updated', properties: { part: { id: `prt_${mid}`, sessionID: S, messageID: mid, type: 'text', text } } });

  it('shows at once, and the echo takes its place (info first)', () => {
    const [t0, local] = addOptimistic({ ...emptyTranscript(S), messages: [{ id: 'msg_0', role: 'assistant', parts: [], done: true }] }, 'hello there');
    expect(t0.messages.map((m) => [m.role, messageText(m), !!m.optimistic])).toEqual([['assistant', '', false], ['user', 'hello there', true]]);
    let t = applyEvent(t0, userInfo('msg_u'));
    // Same place, real id, still the sent text until its parts arrive.
    expect(t.messages.map((m) => m.id)).toEqual(['msg_0', 'msg_u']);
    expect(messageText(t.messages[1]!)).toBe('hello there');
    t = applyEvent(t, userText('msg_u', 'hello there'));
    expect(t.messages[1]).toMatchObject({ id: 'msg_u', role: 'user', optimistic: false });
    expect(t.messages[1]?.parts.map((p) => p.id)).toEqual(['prt_msg_u']);
    // Taking back a message already echoed changes nothing.
    expect(dropOptimistic(t, local)).toBe(t);
  });

  it('the echo may bring its text before its info', () => {
    const [t0] = addOptimistic(emptyTranscript(S), 'hi');
    let t = applyEvent(t0, userText('msg_u', 'hi'));
    t = applyEvent(t, userInfo('msg_u'));
    expect(t.messages.map((m) => [m.id, m.role, messageText(m), !!m.optimistic])).toEqual([['msg_u', 'user', 'hi', false]]);
  });

  it('a failed send takes it back', () => {
    const [t0, local] = addOptimistic(emptyTranscript(S), 'hi');
    expect(dropOptimistic(t0, local).messages).toEqual([]);
  });

  it('a reload keeps what is not echoed yet', () => {
    const [sent] = addOptimistic(emptyTranscript(S), 'second');
    const listed = transcriptFromList(S, [{ info: { id: 'm1', role: 'user' }, parts: [{ id: 'p1', type: 'text', text: 'first' }] }]);
    expect(keepOptimistic(listed, sent).messages.map(messageText)).toEqual(['first', 'second']);
    const echoed = transcriptFromList(S, [{ info: { id: 'm2', role: 'user' }, parts: [{ id: 'p2', type: 'text', text: 'second' }] }]);
    expect(keepOptimistic(echoed, sent)).toBe(echoed);
    expect(keepOptimistic(listed, { ...sent, sessionID: 'ses_other' })).toBe(listed);
  });
});

describe('slash commands sent from here', () => {
  it('show the command at once; the echo (its template) takes its place', () => {
    const [sent] = addOptimistic(emptyTranscript(S), '/hello world', true);
    expect(sent.messages[0]).toMatchObject({ role: 'user', optimistic: true, command: true });
    let t = applyEvent(sent, { type: 'message.updated', properties: { info: { id: 'msg_c', sessionID: S, role: 'user', time: { created: 1 } } } });
    expect(t.messages.map((m) => [m.id, messageText(m)])).toEqual([['msg_c', '/hello world']]);
    t = applyEvent(t, { type: 'message.part.updated', properties: { part: { id: 'prt_c', sessionID: S, messageID: 'msg_c', type: 'text', text: 'TEMPLATE world' } } });
    expect(t.messages).toHaveLength(1);
    expect(t.messages[0]).toMatchObject({ id: 'msg_c', optimistic: false });
    expect(t.messages[0]!.command).toBeUndefined();
    expect(messageText(t.messages[0]!)).toBe('TEMPLATE world');
  });
  it('a reload from OpenCode drops a command once a new user message is there, not before', () => {
    const before = transcriptFromList(S, [{ info: { id: 'm1', role: 'user' }, parts: [{ id: 'p1', type: 'text', text: 'earlier' }] }]);
    const [sent] = addOptimistic(before, '/hello', true);
    expect(keepOptimistic(before, sent).messages.map(messageText)).toEqual(['earlier', '/hello']);
    const echoed = transcriptFromList(S, [
      { info: { id: 'm1', role: 'user' }, parts: [{ id: 'p1', type: 'text', text: 'earlier' }] },
      { info: { id: 'm2', role: 'user' }, parts: [{ id: 'p2', type: 'text', text: 'TEMPLATE' }] },
    ]);
    expect(keepOptimistic(echoed, sent)).toBe(echoed);
    // Adopted by the echo's message.updated (its id), its text not in yet: not shown twice.
    const adopted = applyEvent(sent, { type: 'message.updated', properties: { info: { id: 'm2', sessionID: S, role: 'user' } } });
    expect(keepOptimistic(echoed, adopted).messages.map((m) => m.id)).toEqual(['m1', 'm2']);
  });
});

describe("the agent's todo list", () => {
  const todos = [
    { content: 'Read the test', status: 'completed', priority: 'high' },
    { content: 'Fix it', status: 'in_progress', priority: 'high' },
    { content: 'Odd status', status: 'blocked' },
    { content: '  ', status: 'pending' },
    'garbage',
  ];
  it('is read from OpenCode, odd entries tolerated', () => {
    expect(todosFrom(todos)).toEqual([
      { content: 'Read the test', status: 'completed', priority: 'high' },
      { content: 'Fix it', status: 'in_progress', priority: 'high' },
      { content: 'Odd status', status: 'pending' },
    ]);
    expect(todosFrom({ not: 'a list' })).toEqual([]);
  });
  it('follows todo.updated of the open session only', () => {
    let t = applyEvent(emptyTranscript(S), { type: 'todo.updated', properties: { sessionID: S, todos } });
    expect(t.todos.map((x) => x.status)).toEqual(['completed', 'in_progress', 'pending']);
    expect(applyEvent(t, { type: 'todo.updated', properties: { sessionID: 'ses_other', todos: [] } })).toBe(t);
    t = applyEvent(t, { type: 'todo.updated', properties: { sessionID: S, todos: [] } });
    expect(t.todos).toEqual([]);
  });
  it('is summed up', () => {
    const list = todosFrom([...todos, { content: 'Dropped', status: 'cancelled' }]);
    expect(todoSummary(list)).toBe('1 of 3 done');
    expect(todosOpen(list)).toBe(true);
    expect(todosOpen(list.map((x) => ({ ...x, status: 'completed' as const })))).toBe(false);
  });
});

describe('questions the agent asks', () => {
  const asked = {
    id: 'que_1', sessionID: S, tool: { messageID: 'msg_a', callID: 'c1' },
    questions: [
      { question: 'Which database?', header: 'Database', options: [{ label: 'SQLite', description: 'a file' }, { label: 'Postgres', description: 'a server' }] },
      { question: 'Which extras?', header: 'Extras', options: [{ label: 'Docs', description: '' }, { label: 'Tests', description: '' }], multiple: true, custom: false },
      { header: 'no question text' },
    ],
  };
  it('come and go with the events of the open session', () => {
    let t = applyEvent(emptyTranscript(S), { type: 'question.asked', properties: asked });
    expect(t.questions).toHaveLength(1);
    expect(t.questions[0]!.questions.map((q) => [q.header, q.multiple, q.custom, q.options.length])).toEqual([['Database', false, true, 2], ['Extras', true, false, 2]]);
    expect(applyEvent(t, { type: 'question.asked', properties: asked })).toBe(t);
    expect(applyEvent(t, { type: 'question.asked', properties: { ...asked, id: 'que_2', sessionID: 'ses_other' } })).toBe(t);
    t = applyEvent(t, { type: 'question.replied', properties: { sessionID: S, requestID: 'que_1', answers: [] } });
    expect(t.questions).toEqual([]);
    t = applyEvent(applyEvent(t, { type: 'question.asked', properties: asked }), { type: 'question.rejected', properties: { sessionID: S, requestID: 'que_1' } });
    expect(t.questions).toEqual([]);
  });
  it('waiting ones come from GET /question', () => {
    expect(pendingQuestions(S, [asked, { ...asked, id: 'que_2', sessionID: 'ses_other' }, { id: 'que_3', sessionID: S, questions: [] }, 'x']).map((q) => q.id)).toEqual(['que_1']);
    expect(pendingQuestions(S, null)).toEqual([]);
  });
  it('are answered with labels, or the typed answer', () => {
    const qs = applyEvent(emptyTranscript(S), { type: 'question.asked', properties: asked }).questions[0]!.questions;
    expect(questionAnswers(qs, [['SQLite'], []], ['', ''])).toBeNull();
    expect(questionAnswers(qs, [['SQLite'], ['Tests', 'Docs', 'Nope']], ['', ''])).toEqual([['SQLite'], ['Docs', 'Tests']]);
    expect(questionAnswers(qs, [[OWN_ANSWER], ['Docs']], ['  DuckDB ', ''])).toEqual([['DuckDB'], ['Docs']]);
    expect(questionAnswers(qs, [[OWN_ANSWER], ['Docs']], ['   ', ''])).toBeNull();
    // No typed answer where the question allows none.
    expect(questionAnswers(qs, [['Postgres'], [OWN_ANSWER]], ['', 'mine'])).toBeNull();
  });
});

describe('undo and redo', () => {
  const t = transcriptFromList(S, [
    { info: { id: 'u1', role: 'user' }, parts: [{ id: 'p1', type: 'text', text: 'one' }] },
    { info: { id: 'a1', role: 'assistant', time: { completed: 1 } }, parts: [] },
    { info: { id: 'u2', role: 'user' }, parts: [{ id: 'p2', type: 'text', text: 'two' }] },
    { info: { id: 'a2', role: 'assistant', time: { completed: 2 } }, parts: [] },
  ]);
  it('undo goes back one message you sent at a time', () => {
    expect(undoTarget(t, undefined)?.id).toBe('u2');
    expect(shownMessages(t, { messageID: 'u2' }).map((m) => m.id)).toEqual(['u1', 'a1']);
    expect(undoneCount(t, { messageID: 'u2' })).toBe(1);
    expect(undoneCount(t, { messageID: 'u1' })).toBe(2);
    expect(undoneCount(t, undefined)).toBe(0);
    expect(undoTarget(t, { messageID: 'u2' })?.id).toBe('u1');
    expect(undoTarget(t, { messageID: 'u1' })).toBeNull();
    // A revert point not in the transcript hides nothing.
    expect(shownMessages(t, { messageID: 'gone' })).toHaveLength(4);
  });
  it('redo comes forward one message, then brings all back', () => {
    expect(redoTarget(t, undefined)).toBeNull();
    expect(redoTarget(t, { messageID: 'u1' })).toEqual({ messageID: 'u2' });
    expect(redoTarget(t, { messageID: 'u2' })).toBe('unrevert');
    expect(redoTarget(t, { messageID: 'gone' })).toBe('unrevert');
  });
  it('a message sent past an undo shows; once sent, the undone ones go', () => {
    const [sent] = addOptimistic(t, 'new direction');
    const revert = { messageID: 'u2' };
    expect(shownMessages(sent, revert).map((m) => messageText(m))).toEqual(['one', '', 'new direction']);
    expect(undoneCount(sent, revert)).toBe(1);
    expect(dropUndone(sent, revert).messages.map((m) => m.id).slice(0, 2)).toEqual(['u1', 'a1']);
    expect(dropUndone(sent, revert).messages).toHaveLength(3);
    expect(dropUndone(sent, undefined)).toBe(sent);
  });
  it('removed messages and parts go', () => {
    let x = applyEvent(t, { type: 'message.removed', properties: { sessionID: S, messageID: 'a2' } });
    expect(x.messages.map((m) => m.id)).toEqual(['u1', 'a1', 'u2']);
    x = applyEvent(x, { type: 'message.part.removed', properties: { sessionID: S, messageID: 'u2', partID: 'p2' } });
    expect(x.messages[2]!.parts).toEqual([]);
    // Removed before the listing shows it: remembered, so the listing does not bring it back.
    expect(applyEvent(x, { type: 'message.removed', properties: { sessionID: S, messageID: 'nope' } }).gone).toContain('nope');
    // A late update of a deleted message does not bring it back.
    expect(applyEvent(x, { type: 'message.updated', properties: { info: { id: 'a2', sessionID: S, role: 'assistant' } } })).toBe(x);
    expect(applyEvent(x, { type: 'message.part.delta', properties: { sessionID: S, messageID: 'a2', partID: 'q', field: 'text', delta: 'x' } })).toBe(x);
  });
});

describe("a subagent's prompts", () => {
  const all = [
    { id: S }, { id: 'ses_child', parentID: S }, { id: 'ses_grandchild', parentID: 'ses_child' }, { id: 'ses_other' }, { id: 'ses_x', parentID: 'ses_other' },
  ];
  it("are the open session's: its subagents and theirs", () => {
    expect([...subagentSessions(S, all)].sort()).toEqual(['ses_child', 'ses_grandchild']);
    expect(subagentSessions('ses_child', all)).toEqual(new Set(['ses_grandchild']));
  });
  it('show in the open session, marked; other events of a subagent do not', () => {
    const helpers = subagentSessions(S, all);
    let t = applyEvent(emptyTranscript(S), { type: 'permission.asked', properties: { id: 'per_c', sessionID: 'ses_child', permission: 'bash', patterns: ['ls'] } }, helpers);
    expect(t.permissions).toEqual([{ id: 'per_c', sessionID: 'ses_child', title: 'bash', patterns: ['ls'], subagent: true }]);
    expect(applyEvent(t, { type: 'permission.asked', properties: { id: 'per_o', sessionID: 'ses_other', permission: 'bash', patterns: [] } }, helpers)).toBe(t);
    expect(applyEvent(t, { type: 'message.part.delta', properties: { sessionID: 'ses_child', messageID: 'm', partID: 'p', field: 'text', delta: 'x' } }, helpers)).toBe(t);
    t = applyEvent(t, { type: 'permission.replied', properties: { sessionID: 'ses_child', requestID: 'per_c', reply: 'once' } }, helpers);
    expect(t.permissions).toEqual([]);
    const listed = [{ id: 'per_c', sessionID: 'ses_grandchild', permission: 'edit', patterns: [] }, { id: 'per_o', sessionID: 'ses_other', permission: 'edit', patterns: [] }];
    expect(pendingPermissions(S, listed, helpers).map((p) => [p.id, p.subagent])).toEqual([['per_c', true]]);
    expect(pendingQuestions(S, [{ id: 'que_c', sessionID: 'ses_child', questions: [{ question: 'Q?', header: 'h', options: [] }] }], helpers).map((q) => q.id)).toEqual(['que_c']);
  });
  it('keep what is drawn for them when listed again', () => {
    const shown = [{ id: 'a', v: 1 }, { id: 'b', v: 1 }];
    const again = keepSame([{ id: 'b', v: 2 }, { id: 'c', v: 2 }], shown);
    expect(again[0]).toBe(shown[1]);
    expect(again[1]).toEqual({ id: 'c', v: 2 });
  });
});

describe('a command whose echo brings its text before its info', () => {
  it('is shown once', () => {
    const [sent] = addOptimistic(emptyTranscript(S), '/hello', true);
    let t = applyEvent(sent, { type: 'message.part.updated', properties: { part: { id: 'prt_c', sessionID: S, messageID: 'msg_c', type: 'text', text: 'TEMPLATE' } } });
    t = applyEvent(t, { type: 'message.updated', properties: { info: { id: 'msg_c', sessionID: S, role: 'user' } } });
    expect(t.messages.map((m) => [m.id, m.role, messageText(m)])).toEqual([['msg_c', 'user', 'TEMPLATE']]);
  });
});

describe('a listing merged with what events brought meanwhile', () => {
  it('keeps the later version of each part and what only events know', () => {
    let live = emptyTranscript(S);
    const [sent] = addOptimistic(live, 'hello there');
    live = applyEvent(sent, { type: 'message.updated', properties: { info: { id: 'msg_1', sessionID: S, role: 'user' } } });
    live = applyEvent(live, { type: 'message.part.updated', properties: { part: { id: 'prt_1', sessionID: S, messageID: 'msg_1', type: 'text', text: 'hello there' } } });
    live = applyEvent(live, { type: 'message.updated', properties: { info: { id: 'msg_2', sessionID: S, role: 'assistant' } } });
    live = applyEvent(live, { type: 'message.part.delta', properties: { sessionID: S, messageID: 'msg_2', partID: 'prt_2', field: 'text', delta: 'Hello, how' } });
    live = applyEvent(live, { type: 'message.part.updated', properties: { part: { id: 'prt_3', sessionID: S, messageID: 'msg_2', type: 'tool', tool: 'bash', state: { status: 'completed', input: {}, output: 'ok' } } } });
    // Read before the user message's part was stored, while the reply had streamed less.
    const listed = transcriptFromList(S, [
      { info: { id: 'msg_1', role: 'user' }, parts: [] },
      { info: { id: 'msg_2', role: 'assistant' }, parts: [{ id: 'prt_2', type: 'text', text: 'Hello' }, { id: 'prt_3', type: 'tool', tool: 'bash', state: { status: 'running', input: {} } }] },
    ]);
    const merged = mergeListing(listed, live);
    expect(merged.messages.map((m) => [m.id, messageText(m)])).toEqual([['msg_1', 'hello there'], ['msg_2', 'Hello, how']]);
    expect(merged.messages[1]!.parts.find((p) => p.id === 'prt_3')?.status).toBe('completed');
    // A newer listing wins where it is ahead.
    const newer = transcriptFromList(S, [
      { info: { id: 'msg_1', role: 'user' }, parts: [{ id: 'prt_1', type: 'text', text: 'hello there' }] },
      { info: { id: 'msg_2', role: 'assistant', time: { completed: 5 } }, parts: [{ id: 'prt_2', type: 'text', text: 'Hello, how are you?' }] },
    ]);
    const m2 = mergeListing(newer, live);
    expect(messageText(m2.messages[1]!)).toBe('Hello, how are you?');
    expect(m2.messages[1]!.done).toBe(true);
  });
  it('keeps a message only events know if it is newer than the listing, not an older one', () => {
    let live = transcriptFromList(S, [{ info: { id: 'msg_1', role: 'user' }, parts: [{ id: 'p1', type: 'text', text: 'a' }] }]);
    live = applyEvent(live, { type: 'message.updated', properties: { info: { id: 'msg_3', sessionID: S, role: 'assistant' } } });
    const listed = transcriptFromList(S, [{ info: { id: 'msg_2', role: 'user' }, parts: [{ id: 'p2', type: 'text', text: 'b' }] }]);
    expect(mergeListing(listed, live).messages.map((m) => m.id)).toEqual(['msg_2', 'msg_3']);
  });
  it('does not bring back a message deleted meanwhile', () => {
    const both = [
      { info: { id: 'msg_1', role: 'user' }, parts: [{ id: 'p1', type: 'text', text: 'a' }] },
      { info: { id: 'msg_2', role: 'user' }, parts: [{ id: 'p2', type: 'text', text: 'b' }] },
    ];
    const live = applyEvent(transcriptFromList(S, both), { type: 'message.removed', properties: { sessionID: S, messageID: 'msg_2' } });
    expect(live.gone).toEqual(['msg_2']);
    const merged = mergeListing(transcriptFromList(S, both), live);
    expect(merged.messages.map((m) => m.id)).toEqual(['msg_1']);
    expect(merged.gone).toEqual(['msg_2']);
    // Sent past an undo: the undone ones are gone for a later listing too.
    const dropped = dropUndone(transcriptFromList(S, both), { messageID: 'msg_2' });
    expect(mergeListing(transcriptFromList(S, both), dropped).messages.map((m) => m.id)).toEqual(['msg_1']);
  });
});

describe('session titles', () => {
  it("OpenCode's default title reads as untitled", () => {
    expect(sessionTitle({ id: 's', title: 'New session - 2026-11-30T08:49:00.703Z' })).toBe('Untitled session');
    expect(sessionTitle({ id: 's', title: 'Child session - 2026-11-30T08:49:00.703Z' })).toBe('Untitled session');
    expect(sessionTitle({ id: 's' })).toBe('Untitled session');
    expect(sessionTitle({ id: 's', title: '  ' })).toBe('Untitled session');
    expect(sessionTitle({ id: 's', title: 'Fix the login bug' })).toBe('Fix the login bug');
    expect(sessionTitle({ id: 's', title: 'New session - my notes' })).toBe('New session - my notes');
  });
});
