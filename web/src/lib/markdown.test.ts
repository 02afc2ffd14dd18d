// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { highlightBlocks, renderMarkdown } from './markdown';

const dom = (html: string) => {
  const el = document.createElement('div');
  el.innerHTML = html;
  document.body.append(el);
  return el;
};

describe('Markdown of assistant messages', () => {
  it('renders GitHub-flavoured Markdown: headings, lists, code, tables, strikethrough, task lists', () => {
    const el = dom(renderMarkdown([
      '## Plan', '', '- one', '- two', '', '1. first', '', '```ts', 'const x: number = 1;', '```', '',
      '| a | b |', '|---|---|', '| 1 | 2 |', '', '~~old~~ and `inline`', '', '- [x] done',
    ].join('\n')));
    expect(el.querySelector('h2')?.textContent).toBe('Plan');
    expect([...el.querySelectorAll('ul > li')].map((li) => li.textContent)).toContain('one');
    expect(el.querySelector('ol > li')?.textContent).toBe('first');
    expect(el.querySelector('pre > code')?.getAttribute('class')).toBe('language-ts');
    expect(el.querySelector('pre > code')?.textContent).toBe('const x: number = 1;\n');
    expect(el.querySelectorAll('table td')).toHaveLength(2);
    expect(el.querySelector('del')?.textContent).toBe('old');
    expect(el.querySelector('p > code')?.textContent).toBe('inline');
    expect(el.querySelector('input[type="checkbox"]')).not.toBeNull();
  });

  it('shows raw HTML as text instead of interpreting it', () => {
    const el = dom(renderMarkdown('Use Vec<String> here.\n\n<img src=x onerror="alert(1)">\n\n<div class="overlay" id="prompt">x</div>'));
    expect(el.textContent).toContain('Vec<String>');
    expect(el.textContent).toContain('<img src=x onerror="alert(1)">');
    expect(el.querySelector('img, .overlay, #prompt, [onerror]')).toBeNull();
  });

  it('drops script links, keeps safe links opening elsewhere', () => {
    const el = dom(renderMarkdown('[bad](javascript:alert(1)) [good](https://example.com/a)'));
    const links = [...el.querySelectorAll('a')];
    expect(links.some((a) => /javascript:/i.test(a.getAttribute('href') ?? ''))).toBe(false);
    const good = links.find((a) => a.getAttribute('href') === 'https://example.com/a');
    expect(good?.getAttribute('target')).toBe('_blank');
    expect(good?.getAttribute('rel')).toContain('noopener');
  });

  it('keeps only language classes on code', () => {
    const el = dom(renderMarkdown('```python\nprint(1)\n```'));
    expect(el.querySelector('code')?.className).toBe('language-python');
    expect(el.querySelector('[class]:not(code)')).toBeNull();
  });

  it('highlights code blocks of known languages, leaves others plain', async () => {
    const el = dom(renderMarkdown('```ts\nconst x = "s";\n```\n\n```nosuchlang\nconst y = 1;\n```\n\n```\nplain\n```'));
    await highlightBlocks(el);
    const [ts, other, plain] = [...el.querySelectorAll('pre > code')];
    expect(ts?.classList.contains('hljs')).toBe(true);
    expect(ts?.querySelector('.hljs-keyword')?.textContent).toBe('const');
    expect(ts?.querySelector('.hljs-string')?.textContent).toBe('"s"');
    expect(ts?.textContent).toBe('const x = "s";\n');
    expect(other?.querySelector('span')).toBeNull();
    expect(plain?.querySelector('span')).toBeNull();
    // Done once: a second pass leaves it as it is.
    const html = ts?.innerHTML;
    await highlightBlocks(el);
    expect(ts?.innerHTML).toBe(html);
  });
});
