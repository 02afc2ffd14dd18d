// Markdown of assistant messages to safe HTML: GitHub-flavoured Markdown
// (marked) cleaned by DOMPurify. Raw HTML in the text is shown as text, not
// interpreted (a model writing `Vec<String>` or `<div>` means those
// characters). Loaded lazily (with marked and DOMPurify) by the view.
import DOMPurify from 'dompurify';
import { Marked } from 'marked';

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const marked = new Marked({
  gfm: true,
  breaks: false,
  async: false,
  renderer: {
    html: ({ text }) => escapeHtml(text),
  },
});

const purify = DOMPurify(window);
// Elements a message may not bring, even after marked: no forms, no styles.
const FORBID_TAGS = ['style', 'form', 'button', 'textarea', 'select', 'option', 'iframe', 'object', 'embed', 'svg', 'math', 'video', 'audio', 'source'];
purify.addHook('uponSanitizeAttribute', (node, data) => {
  // Classes only as marked writes them on code (`language-ts`): none of the
  // page's own classes (an `overlay` could cover the page).
  if (data.attrName === 'class') {
    const keep = node.nodeName === 'CODE' ? data.attrValue.split(/\s+/).filter((c) => /^language-[\w+#.-]+$/.test(c)) : [];
    if (keep.length) data.attrValue = keep.join(' ');
    else data.keepAttr = false;
  }
});
purify.addHook('afterSanitizeAttributes', (node) => {
  // Links open elsewhere, without this page as opener or referrer.
  if (node.nodeName === 'A' && node.hasAttribute('href')) {
    node.setAttribute('target', '_blank');
    node.setAttribute('rel', 'noopener noreferrer nofollow');
  }
});

/** Safe HTML for the Markdown `src`. */
export function renderMarkdown(src: string): string {
  const html = marked.parse(src) as string;
  return purify.sanitize(html, {
    FORBID_TAGS,
    FORBID_ATTR: ['style'],
    // Ids and names get a prefix: none can shadow the page's own (`prompt`).
    SANITIZE_NAMED_PROPS: true,
    ALLOW_DATA_ATTR: false,
    RETURN_TRUSTED_TYPE: false,
  });
}

export { highlightBlocks } from './highlight';
