import { describe, expect, it } from 'vitest';
import { highlighter, languageOf } from './highlight';

describe('code block languages', () => {
  it('maps info strings and classes to the languages offered', () => {
    expect(languageOf('language-ts')).toBe('typescript');
    expect(languageOf('ts')).toBe('typescript');
    expect(languageOf('Python {linenos}')).toBe('python');
    expect(languageOf('language-sh hljs')).toBe('bash');
    expect(languageOf('rs')).toBe('rust');
    expect(languageOf('html')).toBe('xml');
    expect(languageOf('yml')).toBe('yaml');
    expect(languageOf('console')).toBe('shell');
    expect(languageOf('language-brainfuck')).toBeNull();
    expect(languageOf('constructor')).toBeNull();
    expect(languageOf('')).toBeNull();
    expect(languageOf(null)).toBeNull();
  });
  it('loads only the languages asked for', async () => {
    const hljs = await highlighter(['rust']);
    expect(hljs.getLanguage('rust')).toBeTruthy();
    expect(hljs.getLanguage('python')).toBeUndefined();
    expect(hljs.highlight('fn main() {}', { language: 'rust' }).value).toContain('hljs-keyword');
    await highlighter(['python', 'python', 'not-offered']);
    expect(hljs.getLanguage('python')).toBeTruthy();
  });
});
