import { describe, expect, it } from 'vitest';
import {
  commandList, configuredModel, fileUrl, filterCommands, filterSessions, insertMention, listboxKey, loadOpen, loadPrefs, mentionAt, mentionedFiles,
  modelOptions, modelRef, parseSlash, pick, primaryAgents, promptParts, saveOpen, savePrefs, slashQuery,
} from './composer';

const memory = () => {
  const m = new Map<string, string>();
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), removeItem: (k: string) => void m.delete(k) };
};

describe('models and agents', () => {
  const answer = { providers: [{ id: 'stub', name: 'Stub', models: { 'stub-model': { name: 'Stub model' }, 'stub-model-2': { name: 'Second' } } }], default: { stub: 'stub-model' } };
  it('lists every model of every provider', () => {
    const opts = modelOptions(answer);
    expect(opts.map((o) => o.value)).toEqual(['stub/stub-model-2', 'stub/stub-model']);
    expect(opts[0]!.label).toBe('Stub · Second');
    expect(configuredModel({ model: 'stub/stub-model' }, opts)).toBe('stub/stub-model');
    expect(configuredModel({ model: 'gone/x' }, opts)).toBeUndefined();
    expect(modelOptions(null)).toEqual([]);
  });
  it('offers primary, visible agents', () => {
    expect(primaryAgents([{ name: 'build', mode: 'primary' }, { name: 'explore', mode: 'subagent' }, { name: 'title', mode: 'primary', hidden: true }, { name: 'x', mode: 'all' }])).toEqual(['build', 'x']);
  });
  it('picks the remembered choice when still offered', () => {
    expect(pick('b', ['a', 'b'], 'a')).toBe('b');
    expect(pick('gone', ['a', 'b'], 'b')).toBe('b');
    expect(pick(undefined, ['a'])).toBe('a');
    expect(pick(undefined, [])).toBe('');
  });
  it('splits a model value at its first slash', () => {
    expect(modelRef('openrouter/meta/llama')).toEqual({ providerID: 'openrouter', modelID: 'meta/llama' });
    expect(modelRef('nope')).toBeUndefined();
  });
  it('remembers per workspace', () => {
    const s = memory();
    savePrefs(s, 'ws1', { model: 'stub/x', agent: 'plan' });
    expect(loadPrefs(s, 'ws1')).toEqual({ model: 'stub/x', agent: 'plan' });
    expect(loadPrefs(s, 'ws2')).toEqual({ model: undefined, agent: undefined });
    s.setItem('openwork.composer.bad', '{');
    expect(loadPrefs(s, 'bad')).toEqual({});
  });
  it('remembers the open session and its scroll', () => {
    const s = memory();
    saveOpen(s, 'w', { id: 'ses_1', scroll: { messageId: 'msg_3', offset: 40 } });
    expect(loadOpen(s, 'w')).toEqual({ id: 'ses_1', scroll: { messageId: 'msg_3', offset: 40 } });
    saveOpen(s, 'w', null);
    expect(loadOpen(s, 'w')).toBeNull();
  });
});

describe('slash commands', () => {
  const cmds = commandList([{ name: 'review' }, { name: 'hello', description: 'Say hi' }, { nope: 1 }]);
  it("reads the command list, with the page's own /undo and /redo", () => {
    expect(cmds.map((c) => [c.name, c.builtin ?? false])).toEqual([['hello', false], ['redo', true], ['review', false], ['undo', true]]);
    // The workspace's own /undo wins.
    expect(commandList([{ name: 'undo', description: 'mine' }]).find((c) => c.name === 'undo')).toEqual({ name: 'undo', description: 'mine' });
  });
  it('sees a command being typed', () => {
    expect(slashQuery('/')).toBe('');
    expect(slashQuery('/he')).toBe('he');
    expect(slashQuery('/hello world')).toBeNull();
    expect(slashQuery('say /he')).toBeNull();
  });
  it('filters by prefix first', () => {
    expect(filterCommands([{ name: 'rehe' }, { name: 'hello' }], 'he').map((c) => c.name)).toEqual(['hello', 'rehe']);
  });
  it('parses a known command with arguments', () => {
    expect(parseSlash('/hello  there you', cmds)).toEqual({ command: 'hello', arguments: 'there you' });
    expect(parseSlash('/hello', cmds)).toEqual({ command: 'hello', arguments: '' });
    expect(parseSlash('/unknown x', cmds)).toBeNull();
    expect(parseSlash('hello', cmds)).toBeNull();
  });
});

describe('file mentions', () => {
  it('finds the mention before the caret', () => {
    expect(mentionAt('see @src/ma', 11)).toEqual({ start: 4, query: 'src/ma' });
    expect(mentionAt('@', 1)).toEqual({ start: 0, query: '' });
    expect(mentionAt('mail a@b', 8)).toBeNull();
    expect(mentionAt('see @x done', 11)).toBeNull();
  });
  it('inserts the chosen path', () => {
    expect(insertMention('see @REA and', 4, 8, 'README.md')).toEqual({ text: 'see @README.md and', caret: 15 });
    expect(insertMention('@', 0, 1, 'a.txt')).toEqual({ text: '@a.txt ', caret: 7 });
  });
  it('keeps only the files still mentioned', () => {
    expect(mentionedFiles('look at @a.md, not b', ['a.md', 'b.md', 'a.md'])).toEqual(['a.md']);
    expect(mentionedFiles('x@a.md', ['a.md'])).toEqual([]);
  });
  it('makes file URLs inside the workspace', () => {
    expect(fileUrl('/tmp/my ws/', 'dir/a b.md')).toBe('file:///tmp/my%20ws/dir/a%20b.md');
    expect(fileUrl('C:\\w', 'a.md')).toBe('file:///C%3A/w/a.md');
  });
  it('sends the text then the files', () => {
    expect(promptParts('hi @a.md', ['a.md'], '/w')).toEqual([
      { type: 'text', text: 'hi @a.md' },
      { type: 'file', mime: 'text/plain', url: 'file:///w/a.md', filename: 'a.md' },
    ]);
    expect(promptParts('hi', ['a.md'], undefined)).toEqual([{ type: 'text', text: 'hi' }]);
  });
  it('moves in a listbox', () => {
    expect(listboxKey('ArrowDown', 2, 3)).toBe(0);
    expect(listboxKey('ArrowUp', 0, 3)).toBe(2);
    expect(listboxKey('Enter', 0, 3)).toBe('choose');
    expect(listboxKey('Enter', 0, 0)).toBeNull();
    expect(listboxKey('Escape', 0, 0)).toBe('close');
    expect(listboxKey('a', 0, 3)).toBeNull();
  });
});

describe('session search', () => {
  it('filters by every word of the title', () => {
    const l = [{ id: '1', title: 'Fix the login bug' }, { id: '2', title: 'Write docs' }];
    expect(filterSessions(l, 'LOGIN fix', (s) => s.title!).map((s) => s.id)).toEqual(['1']);
    expect(filterSessions(l, '  ', (s) => s.title!)).toHaveLength(2);
  });
});
