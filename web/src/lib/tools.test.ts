import { describe, expect, it } from 'vitest';
import type { MessageView, PartView } from './opencode';
import { clip, messageBlocks, parseUnifiedDiff, toolView } from './tools';

// As OpenCode's edit tool writes it (createTwoFilesPatch, trimmed).
const EDIT_DIFF = [
  'Index: /w/src/a.ts',
  '===================================================================',
  '--- /w/src/a.ts',
  '+++ /w/src/a.ts',
  '@@ -1,3 +1,3 @@',
  ' const a = 1;',
  '-const b = 2;',
  '+const b = 3;',
  ' export { a, b };',
  '',
].join('\n');

const tool = (over: Partial<PartView>): PartView => ({ id: 'prt_t', type: 'tool', text: '', tool: 'bash', ...over });

describe('tool calls', () => {
  it('a shell command: name, status, title, the command, its output', () => {
    const v = toolView(tool({ status: 'completed', input: { command: 'ls -la', description: 'List files' }, title: 'List files', output: 'a\nb\n', metadata: { exit: 0 } }));
    expect(v).toMatchObject({ name: 'bash', status: 'completed', title: 'List files', subject: { label: 'Command', text: 'ls -la' }, input: 'ls -la', output: 'a\nb\n' });
    expect(v.error).toBeUndefined();
    expect(v.diff).toBeUndefined();
  });
  it('a running command shows the output streamed into its metadata', () => {
    const v = toolView(tool({ status: 'running', input: { command: 'make' }, metadata: { output: 'building…' } }));
    expect([v.status, v.output]).toEqual(['running', 'building…']);
  });
  it('a pending call with no arguments yet', () => {
    const v = toolView(tool({ status: 'pending', input: {} }));
    expect([v.status, v.input, v.output, v.subject]).toEqual(['pending', '', undefined, undefined]);
    expect(toolView(tool({ status: 'weird' })).status).toBe('pending');
  });
  it('a rejected call shows why', () => {
    const v = toolView(tool({ status: 'error', input: { command: 'rm -rf /' }, error: 'The user rejected permission to use this specific tool call.' }));
    expect([v.status, v.error]).toEqual(['error', 'The user rejected permission to use this specific tool call.']);
  });
  it('an edit: the file path and its diff, lines counted', () => {
    const v = toolView(tool({ tool: 'edit', status: 'completed', title: 'src/a.ts', input: { filePath: '/w/src/a.ts', oldString: 'const b = 2;', newString: 'const b = 3;' }, output: '', metadata: { diff: EDIT_DIFF } }));
    expect(v.subject).toEqual({ label: 'File', text: '/w/src/a.ts' });
    expect(v.title).toBe('src/a.ts');
    expect([v.added, v.removed]).toEqual([1, 1]);
    expect(v.diff?.map((l) => l.kind)).toEqual(['file', 'file', 'hunk', 'ctx', 'del', 'add', 'ctx']);
    expect(JSON.parse(v.input)).toMatchObject({ filePath: '/w/src/a.ts' });
  });
  it('a write: the file path, no diff', () => {
    const v = toolView(tool({ tool: 'write', status: 'completed', title: 'notes.md', input: { filePath: '/w/notes.md', content: '# hi' }, output: '' }));
    expect(v.subject?.text).toBe('/w/notes.md');
    expect(v.diff).toBeUndefined();
  });
  it('a title equal to the subject is not said twice', () => {
    expect(toolView(tool({ tool: 'read', status: 'completed', title: '/w/a', input: { filePath: '/w/a' } })).title).toBeUndefined();
  });
  it('long output is cut', () => {
    const v = toolView(tool({ status: 'completed', input: { command: 'cat big' }, output: 'x'.repeat(30_000) }));
    expect(v.output?.length).toBeLessThan(20_100);
    expect(v.output).toContain('10000 more characters not shown');
    expect(clip('short')).toBe('short');
  });
});

describe('unified diffs', () => {
  it('reads hunks of several files; a removed line starting with -- stays a removal', () => {
    const lines = parseUnifiedDiff('diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n--- old rule\n+new rule\n\\ No newline at end of file\ndiff --git a/y b/y\n--- a/y\n+++ b/y\n@@ -0,0 +1 @@\n+y\n');
    expect(lines).toEqual([
      { kind: 'file', text: '--- a/x' }, { kind: 'file', text: '+++ b/x' }, { kind: 'hunk', text: '@@ -1 +1 @@' },
      { kind: 'del', text: '--- old rule' }, { kind: 'add', text: '+new rule' }, { kind: 'ctx', text: '\\ No newline at end of file' },
      { kind: 'file', text: '--- a/y' }, { kind: 'file', text: '+++ b/y' }, { kind: 'hunk', text: '@@ -0,0 +1 @@' }, { kind: 'add', text: '+y' },
    ]);
    expect(parseUnifiedDiff('')).toEqual([]);
  });
});

describe('message blocks', () => {
  it('text, reasoning and tool calls in order; step markers and empty text left out', () => {
    const m: MessageView = {
      id: 'msg_a', role: 'assistant', done: true,
      parts: [
        { id: 'p0', type: 'step-start', text: '' },
        { id: 'p1', type: 'reasoning', text: 'thinking' },
        { id: 'p2', type: 'text', text: 'First' },
        { id: 'p3', type: 'text', text: 'second' },
        { id: 'p4', type: 'tool', text: '', tool: 'bash', status: 'completed', input: { command: 'ls' }, output: '' },
        { id: 'p5', type: 'text', text: '  ' },
        { id: 'p6', type: 'text', text: 'Done' },
        { id: 'p7', type: 'step-finish', text: '' },
      ],
    };
    const blocks = messageBlocks(m);
    expect(blocks.map((b) => b.kind)).toEqual(['reasoning', 'text', 'tool', 'text']);
    expect(blocks[1]).toEqual({ kind: 'text', id: 'p2', text: 'First\n\nsecond' });
  });
  it("a user's message shows what they wrote, not what OpenCode added", () => {
    const m: MessageView = { id: 'msg_u', role: 'user', done: true, parts: [{ id: 'p1', type: 'text', text: 'fix it' }, { id: 'p2', type: 'text', text: 'Called the Read tool…', synthetic: true }] };
    expect(messageBlocks(m)).toEqual([{ kind: 'text', id: 'p1', text: 'fix it' }]);
  });
  it('a todowrite call shows the list it wrote, not its JSON', () => {
    const todos = [{ content: 'Fix the parser', status: 'in_progress', priority: 'high' }, { content: 'Ship', status: 'pending', priority: 'low' }];
    const v = toolView({ id: 'p', type: 'tool', text: '', tool: 'todowrite', status: 'completed', title: '2 todos', input: { todos }, output: JSON.stringify(todos) });
    expect(v.todos).toEqual(todos);
    expect(v.input).toBe('');
    expect(v.output).toBeUndefined();
    expect(v.title).toBe('2 todos');
  });
});
