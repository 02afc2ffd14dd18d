// Syntax highlighting of code blocks with highlight.js, loaded only when a
// code block needs it: the core once, and each language the first time a
// block in it is seen (one small chunk each). The main bundle has none of it.
import type { HLJSApi, LanguageFn } from 'highlight.js';

type Loader = () => Promise<{ default: LanguageFn }>;

/** The languages offered, by highlight.js name. Each `import()` is its own chunk. */
const LANGUAGES: Record<string, Loader> = {
  bash: () => import('highlight.js/lib/languages/bash'),
  c: () => import('highlight.js/lib/languages/c'),
  cpp: () => import('highlight.js/lib/languages/cpp'),
  csharp: () => import('highlight.js/lib/languages/csharp'),
  css: () => import('highlight.js/lib/languages/css'),
  diff: () => import('highlight.js/lib/languages/diff'),
  dockerfile: () => import('highlight.js/lib/languages/dockerfile'),
  go: () => import('highlight.js/lib/languages/go'),
  ini: () => import('highlight.js/lib/languages/ini'),
  java: () => import('highlight.js/lib/languages/java'),
  javascript: () => import('highlight.js/lib/languages/javascript'),
  json: () => import('highlight.js/lib/languages/json'),
  kotlin: () => import('highlight.js/lib/languages/kotlin'),
  lua: () => import('highlight.js/lib/languages/lua'),
  makefile: () => import('highlight.js/lib/languages/makefile'),
  markdown: () => import('highlight.js/lib/languages/markdown'),
  php: () => import('highlight.js/lib/languages/php'),
  python: () => import('highlight.js/lib/languages/python'),
  ruby: () => import('highlight.js/lib/languages/ruby'),
  rust: () => import('highlight.js/lib/languages/rust'),
  scss: () => import('highlight.js/lib/languages/scss'),
  shell: () => import('highlight.js/lib/languages/shell'),
  sql: () => import('highlight.js/lib/languages/sql'),
  swift: () => import('highlight.js/lib/languages/swift'),
  typescript: () => import('highlight.js/lib/languages/typescript'),
  xml: () => import('highlight.js/lib/languages/xml'),
  yaml: () => import('highlight.js/lib/languages/yaml'),
};

/** Names people write after ``` for the languages above. */
const ALIASES: Record<string, string> = {
  sh: 'bash', zsh: 'bash', shell: 'bash', ksh: 'bash',
  console: 'shell', shellsession: 'shell', terminal: 'shell',
  h: 'c', 'c++': 'cpp', cc: 'cpp', cxx: 'cpp', hpp: 'cpp', hh: 'cpp',
  cs: 'csharp', 'c#': 'csharp',
  patch: 'diff', docker: 'dockerfile',
  golang: 'go', toml: 'ini', conf: 'ini', cfg: 'ini',
  js: 'javascript', jsx: 'javascript', mjs: 'javascript', cjs: 'javascript', node: 'javascript',
  jsonc: 'json', json5: 'json',
  kt: 'kotlin', kts: 'kotlin', make: 'makefile', mk: 'makefile',
  md: 'markdown', py: 'python', python3: 'python', py3: 'python', rb: 'ruby', rs: 'rust',
  ts: 'typescript', tsx: 'typescript', mts: 'typescript', cts: 'typescript',
  html: 'xml', htm: 'xml', svg: 'xml', xhtml: 'xml', vue: 'xml', plist: 'xml',
  yml: 'yaml', postgres: 'sql', postgresql: 'sql', mysql: 'sql', sqlite: 'sql',
};

/** The highlight.js language for a code block's language: its info string
 *  after ``` (`ts`, `Python {linenos}`) or its class (`language-ts`); null
 *  when there is none or it is not one offered. */
export function languageOf(spec: string | null | undefined): string | null {
  if (!spec) return null;
  const cls = spec.split(/\s+/).find((c) => c.startsWith('language-'));
  const word = (cls ? cls.slice('language-'.length) : spec.trim().split(/[\s{,]/)[0] ?? '').toLowerCase();
  const name = ALIASES[word] ?? word;
  return Object.hasOwn(LANGUAGES, name) ? name : null;
}

let core: Promise<HLJSApi> | null = null;
const registered = new Map<string, Promise<void>>();

/** highlight.js with `languages` registered, loading what is missing. A
 *  language whose chunk does not load is left out (its blocks stay plain;
 *  the next call tries again). */
export async function highlighter(languages: Iterable<string>): Promise<HLJSApi> {
  core ??= import('highlight.js/lib/core').then((m) => m.default).catch((e: unknown) => {
    core = null;
    throw e;
  });
  const hljs = await core;
  await Promise.all(
    [...new Set(languages)].filter((l) => Object.hasOwn(LANGUAGES, l)).map((lang) => {
      let p = registered.get(lang);
      if (!p) {
        p = LANGUAGES[lang]!().then(
          (m) => hljs.registerLanguage(lang, m.default),
          () => void registered.delete(lang),
        );
        registered.set(lang, p);
      }
      return p;
    }),
  );
  return hljs;
}

/** Highlight the `<pre><code class="language-…">` blocks under `root` whose
 *  language is offered (a block is done once: it gets the `hljs` class). */
export async function highlightBlocks(root: ParentNode): Promise<void> {
  const blocks = [...root.querySelectorAll('pre > code')].flatMap((el) => {
    const lang = el.classList.contains('hljs') ? null : languageOf(el.getAttribute('class'));
    return lang ? [{ el, lang }] : [];
  });
  if (!blocks.length) return;
  let hljs: HLJSApi;
  try {
    hljs = await highlighter(blocks.map((b) => b.lang));
  } catch {
    return; // stays plain
  }
  for (const { el, lang } of blocks) {
    if (!el.isConnected || el.classList.contains('hljs') || !hljs.getLanguage(lang)) continue;
    // highlight.js escapes the code: its HTML is spans around escaped text.
    el.innerHTML = hljs.highlight(el.textContent ?? '', { language: lang, ignoreIllegals: true }).value;
    el.classList.add('hljs');
  }
}
