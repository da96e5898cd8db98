import { h } from './dom.ts';

/**
 * Markdown for dashboard widgets, a safe subset: headings, paragraphs, lists, code blocks, and inline
 * bold, emphasis, code and http(s) links. Everything becomes DOM nodes with text set as text, so no
 * markup or script in the source can reach the page.
 */
export function markdown(source: string): HTMLElement {
  const root = h('div', { class: 'markdown' });
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  let list: HTMLElement | undefined;
  let paragraph: string[] = [];
  const flush = () => {
    if (paragraph.length > 0) root.append(h('p', {}, ...inline(paragraph.join(' '))));
    paragraph = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line.startsWith('```')) {
      flush();
      list = undefined;
      const code: string[] = [];
      while (++i < lines.length && !(lines[i] ?? '').startsWith('```')) code.push(lines[i] ?? '');
      root.append(h('pre', {}, h('code', {}, code.join('\n'))));
      continue;
    }
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    const item = /^\s*(?:[-*+]|(\d+)\.)\s+(.*)$/.exec(line);
    if (heading) {
      flush();
      list = undefined;
      root.append(h(`h${heading[1]?.length ?? 1}` as 'h1', {}, ...inline(heading[2] ?? '')));
    } else if (item) {
      flush();
      const ordered = item[1] !== undefined;
      if (!list || (list.tagName === 'OL') !== ordered) {
        list = h(ordered ? 'ol' : 'ul', {});
        root.append(list);
      }
      list.append(h('li', {}, ...inline(item[2] ?? '')));
    } else if (line.trim() === '') {
      flush();
      list = undefined;
    } else {
      list = undefined;
      paragraph.push(line.trim());
    }
  }
  flush();
  return root;
}

const INLINE = /(\*\*([^*]+)\*\*)|(\*([^*]+)\*)|(`([^`]+)`)|(\[([^\]]+)\]\(([^)\s]+)\))/g;

function inline(text: string): Node[] {
  const out: Node[] = [];
  let last = 0;
  for (const m of text.matchAll(INLINE)) {
    if (m.index > last) out.push(document.createTextNode(text.slice(last, m.index)));
    if (m[2] !== undefined) out.push(h('strong', {}, m[2]));
    else if (m[4] !== undefined) out.push(h('em', {}, m[4]));
    else if (m[6] !== undefined) out.push(h('code', {}, m[6]));
    else if (m[8] !== undefined) {
      const url = m[9] ?? '';
      // Only web links: a javascript: or data: URL stays plain text.
      out.push(
        /^https?:\/\//i.test(url)
          ? h('a', { href: url, rel: 'noopener noreferrer', target: '_blank' }, m[8])
          : document.createTextNode(m[0]),
      );
    }
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push(document.createTextNode(text.slice(last)));
  return out;
}
