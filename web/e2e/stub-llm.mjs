// A tiny OpenAI-compatible chat-completions server for tests. It answers every
// request with REPLY, streamed in several SSE chunks when `stream: true`,
// except for two scripted prompts of the agent loop (requests that offer
// tools; title generation offers none):
// - a prompt containing TOOL_PROMPT: first a `bash` tool call running
//   TOOL_COMMAND (OpenCode asks permission for it when the workspace says
//   `permission.bash: "ask"`), then, once the tool result is in the
//   conversation, TOOL_REPLY followed by that result;
// - a prompt containing SLOW_PROMPT: SLOW_START, then one piece every 250 ms
//   for a minute, until the client (OpenCode, on abort) hangs up;
// - a prompt containing MD_PROMPT: MD_REPLY, Markdown with a heading
//   (MD_HEADING), a list and a TypeScript code block;
// - a prompt containing EDIT_PROMPT: a `read` of README.md, then an `edit`
//   of it adding EDIT_LINE (OpenCode puts the unified diff in the tool's
//   metadata), then EDIT_REPLY;
// - a prompt containing TODO_PROMPT: a `todowrite` of TODO_ITEMS (the
//   agent's todo list), then TODO_REPLY;
// - a prompt containing SUBAGENT_PROMPT: a `task` call whose subagent is
//   given TOOL_PROMPT (so the subagent asks to run TOOL_COMMAND), then
//   SUBAGENT_REPLY;
// - a prompt containing QUESTION_PROMPT: a `question` call asking
//   QUESTIONS (OpenCode waits for the user's answers), then QUESTION_REPLY
//   followed by the tool's result (the answers).
import http from 'node:http';

export const REPLY = 'STUB-REPLY: hello from the stub model, streamed in pieces.';
export const TOOL_PROMPT = 'RUN-TOOL';
export const TOOL_FILE = 'permission-granted.txt';
export const TOOL_COMMAND = `echo e2e-tool-ran > ${TOOL_FILE}`;
export const TOOL_REPLY = 'TOOL-DONE';
export const SLOW_PROMPT = 'SLOW-STREAM';
export const SLOW_START = 'SLOW-START';
export const MD_PROMPT = 'MARKDOWN-REPLY';
export const MD_HEADING = 'Stub plan';
export const MD_ITEMS = ['first item', 'second item'];
export const MD_CODE = 'const answer: number = 42;';
export const MD_REPLY = [
  `## ${MD_HEADING}`,
  '',
  ...MD_ITEMS.map((i) => `- ${i}`),
  '',
  '```ts',
  MD_CODE,
  'function greet(name: string): string {',
  '  return `hello ${name}`;',
  '}',
  '```',
  '',
  'That is **all**.',
].join('\n');
export const EDIT_PROMPT = 'EDIT-FILE';
export const EDIT_FILE = 'README.md';
export const EDIT_LINE = 'Edited by the e2e stub.';
export const EDIT_REPLY = 'EDIT-DONE';
export const TODO_PROMPT = 'PLAN-TODOS';
export const TODO_ITEMS = [
  { content: 'Read the failing test', status: 'completed', priority: 'high' },
  { content: 'Fix the parser', status: 'in_progress', priority: 'high' },
  { content: 'Update the changelog', status: 'pending', priority: 'low' },
];
export const TODO_REPLY = 'TODOS-WRITTEN';
export const SUBAGENT_PROMPT = 'DELEGATE-TASK';
export const SUBAGENT_REPLY = 'SUBAGENT-DONE';
export const QUESTION_PROMPT = 'ASK-QUESTION';
export const QUESTIONS = [
  { question: 'Which database should the app use?', header: 'Database', options: [{ label: 'SQLite', description: 'One file, no server' }, { label: 'Postgres', description: 'A server of its own' }] },
  { question: 'What else should I add?', header: 'Extras', options: [{ label: 'Docs', description: 'A README section' }, { label: 'Tests', description: 'Unit tests' }], multiple: true },
];
export const QUESTION_REPLY = 'QUESTIONS-ANSWERED';

/** Text of an OpenAI chat message's content (string or parts). */
function textOf(content) {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((p) => (typeof p?.text === 'string' ? p.text : '')).join('');
  return '';
}

/** What to answer: `{kind: 'text', text}`, `{kind: 'tool', name, args}` or `{kind: 'slow'}`. */
function plan(json) {
  const messages = Array.isArray(json.messages) ? json.messages : [];
  const hasTools = Array.isArray(json.tools) && json.tools.length > 0;
  let lastUser = -1;
  messages.forEach((m, i) => { if (m?.role === 'user') lastUser = i; });
  const prompt = lastUser >= 0 ? textOf(messages[lastUser].content) : '';
  const results = messages.slice(lastUser + 1).filter((m) => m?.role === 'tool');
  if (hasTools && prompt.includes(TOOL_PROMPT)) {
    const result = results[0];
    if (result) return { kind: 'text', text: `${TOOL_REPLY}: ${textOf(result.content).trim().slice(0, 80)}` };
    return { kind: 'tool', name: 'bash', args: { command: TOOL_COMMAND, description: 'Write a file to prove the tool ran' } };
  }
  if (hasTools && prompt.includes(SLOW_PROMPT)) return { kind: 'slow' };
  if (hasTools && prompt.includes(MD_PROMPT)) return { kind: 'text', text: MD_REPLY };
  if (hasTools && prompt.includes(EDIT_PROMPT)) {
    // OpenCode edits only a file read in the session: read, then edit.
    if (results.length === 0) return { kind: 'tool', name: 'read', args: { filePath: EDIT_FILE } };
    if (results.length === 1) {
      const heading = (textOf(results[0].content).match(/# [\w-]+/) ?? ['# '])[0];
      return { kind: 'tool', name: 'edit', args: { filePath: EDIT_FILE, oldString: heading, newString: `${heading}\n\n${EDIT_LINE}` } };
    }
    return { kind: 'text', text: EDIT_REPLY };
  }
  if (hasTools && prompt.includes(SUBAGENT_PROMPT)) {
    if (results.length) return { kind: 'text', text: SUBAGENT_REPLY };
    return { kind: 'tool', name: 'task', args: { description: 'Write the proof file', prompt: `${TOOL_PROMPT}: on behalf of the main agent`, subagent_type: 'general' } };
  }
  if (hasTools && prompt.includes(QUESTION_PROMPT)) {
    const result = results[0];
    if (result) return { kind: 'text', text: `${QUESTION_REPLY}: ${textOf(result.content).trim().slice(0, 300)}` };
    return { kind: 'tool', name: 'question', args: { questions: QUESTIONS } };
  }
  if (hasTools && prompt.includes(TODO_PROMPT)) {
    if (results.length === 0) return { kind: 'tool', name: 'todowrite', args: { todos: TODO_ITEMS } };
    return { kind: 'text', text: TODO_REPLY };
  }
  return { kind: 'text', text: REPLY };
}

export function startStubLlm() {
  const requests = [];
  /** Slow streams whose client hung up before the end (an abort reached the model call). */
  const hangups = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', async () => {
      let json = {};
      try { json = JSON.parse(body || '{}'); } catch { /* ignore */ }
      // The model asked for and what the request said (the e2e checks what reached the model).
      requests.push({ url: req.url, stream: Boolean(json.stream), model: json.model, text: JSON.stringify(json.messages ?? []) });
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
      const what = plan(json);
      if (!json.stream) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id, object: 'chat.completion', created, model: 'stub-model',
          choices: [{ index: 0, message: { role: 'assistant', content: what.text ?? REPLY }, finish_reason: 'stop' }], usage }));
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
      const chunk = (delta, finish = null, extra = {}) =>
        res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: 'stub-model', choices: [{ index: 0, delta, finish_reason: finish }], ...extra })}\n\n`);
      const finish = (reason) => {
        chunk({}, reason, { usage });
        res.write('data: [DONE]\n\n');
        res.end();
      };
      chunk({ role: 'assistant', content: '' });
      if (what.kind === 'tool') {
        const args = JSON.stringify(what.args);
        chunk({ tool_calls: [{ index: 0, id: `call_${requests.length}`, type: 'function', function: { name: what.name, arguments: args } }] });
        finish('tool_calls');
        return;
      }
      if (what.kind === 'slow') {
        let closed = false;
        res.on('close', () => { if (!res.writableEnded) { closed = true; hangups.push(Date.now()); } });
        chunk({ content: `${SLOW_START} ` });
        for (let i = 0; i < 240 && !closed; i++) {
          await new Promise((r) => setTimeout(r, 250));
          if (!closed) chunk({ content: `${i} ` });
        }
        if (!closed) finish('stop');
        return;
      }
      const pieces = what.text.match(/[\s\S]{1,8}/g) ?? [what.text];
      for (const p of pieces) {
        chunk({ content: p });
        await new Promise((r) => setTimeout(r, 60));
      }
      finish('stop');
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({ port, requests, hangups, close: () => new Promise((r) => server.close(r)) });
    });
  });
}
