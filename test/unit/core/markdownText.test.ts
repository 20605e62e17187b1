import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Marked } from 'marked';
import { labelText, markdownCodeSpan, markdownText, notificationText, visibleText } from '../../../src/core/markdownText';

interface Hostile {
  readonly name: string;
  readonly value: string;
  readonly attacks: string;
}

const HOSTILE: readonly Hostile[] = JSON.parse(readFileSync(path.join(__dirname, '../../security/editor/hostile-strings.json'), 'utf8')) as Hostile[];

// What VS Code's markdown renderer does around marked (src/vs/base/browser/markdownRenderer.ts, seen in VS Code
// 1.139): with theme icons on, `\$(name)` gets one more backslash before parsing, and after parsing every `$(name)`
// in the HTML becomes an icon and every `\$(name)` the text `$(name)`. The real renderer is checked in code-server.
const ICON_NAME = '[A-Za-z0-9-]+(?:~[A-Za-z]+)?';
const marked = new Marked({ gfm: true, async: false });

function renderLikeVsCode(md: string, themeIcons: boolean): string {
  let value = md;
  if (themeIcons) value = value.replace(new RegExp(`\\\\\\$\\(${ICON_NAME}\\)`, 'g'), (m) => `\\${m}`);
  let html = marked.parse(value) as string;
  if (themeIcons) {
    html = html.replace(new RegExp(`(\\\\)?\\$\\((${ICON_NAME})\\)`, 'g'), (_m, escaped: string | undefined, name: string) =>
      escaped ? `$(${name})` : `<span class="codicon codicon-${name}"></span>`,
    );
  }
  return html;
}

function tagsOf(html: string): string[] {
  return [...new Set([...html.matchAll(/<\/?([a-zA-Z][a-zA-Z0-9]*)/g)].map((m) => m[1]!.toLowerCase()))].sort();
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" };

/** The text a browser shows for marked's HTML (its tags stripped, the entities it writes decoded). */
function textOf(html: string): string {
  return html
    .replace(/<[^>]*>/g, '')
    .replace(/&(amp|lt|gt|quot|#39);/g, (_m, e: string) => ENTITIES[e]!)
    .replace(/\n$/, '');
}

// VS Code's notifications find links with this expression (src/vs/base/common/linkedText.ts).
const NOTIFICATION_LINK = /\[([^\]]+)\]\(((?:https?:\/\/|command:|file:)[^)\s]+)(?: (["'])(.+?)(\3))?\)/gi;

describe('text from a repository, shown in the editor', () => {
  it('keeps its table of hostile inputs, each saying what it attacks', () => {
    assert.ok(HOSTILE.length >= 30, `${HOSTILE.length} inputs`);
    for (const h of HOSTILE) assert.ok(h.name && h.value !== undefined && h.attacks, JSON.stringify(h));
  });

  describe('as Markdown text (hovers, status-bar tooltips, the report)', () => {
    for (const themeIcons of [false, true]) {
      for (const h of HOSTILE) {
        it(`renders '${h.name}' as exactly its characters, with no link, HTML or icon (theme icons ${themeIcons ? 'on' : 'off'})`, () => {
          const html = renderLikeVsCode(`A ${markdownText(h.value, { themeIcons })} Z`, themeIcons);
          assert.deepEqual(tagsOf(html), ['p'], html);
          assert.equal(textOf(html), `A ${visibleText(h.value)} Z`);
        });
      }
    }
  });

  describe('as a Markdown code span', () => {
    for (const themeIcons of [false, true]) {
      for (const h of HOSTILE) {
        it(`shows '${h.name}' exactly, without backslashes added (theme icons ${themeIcons ? 'on' : 'off'})`, () => {
          const span = markdownCodeSpan(h.value, { themeIcons });
          const html = renderLikeVsCode(`A ${span} Z`, themeIcons);
          assert.equal(textOf(html), `A ${visibleText(h.value)} Z`, span);
          const tags = tagsOf(html);
          assert.ok(tags.every((t) => t === 'p' || t === 'code'), html);
        });
      }
    }

    it('is a real code span for an ordinary model id, and for backticks', () => {
      assert.equal(markdownCodeSpan('anthropic/claude-opus-4-5'), '`anthropic/claude-opus-4-5`');
      assert.equal(markdownCodeSpan('a`b'), '``a`b``');
      assert.equal(markdownCodeSpan('`x`'), '`` `x` ``');
      assert.equal(markdownCodeSpan(''), '');
      assert.match(renderLikeVsCode(markdownCodeSpan('x `` y'), true), /<code>x `` y<\/code>/);
    });

    it('falls back to text where theme icons would turn `$(name)` into an icon inside the span', () => {
      assert.equal(markdownCodeSpan('$(zap)'), '`$(zap)`');
      assert.doesNotMatch(markdownCodeSpan('$(zap)', { themeIcons: true }), /`/);
    });
  });


  describe('as a notification message', () => {
    for (const h of HOSTILE) {
      it(`gives VS Code no link to make of '${h.name}', and shows its characters`, () => {
        const text = notificationText(h.value);
        assert.equal([...text.matchAll(NOTIFICATION_LINK)].length, 0, text);
        assert.equal(text.replace(/\u2060/g, ''), visibleText(h.value));
        assert.doesNotMatch(text, /[\n\r\u0000-\u001f\u202e]/);
      });
    }

    it('without neutralising, the command link is a link (the check above can fail)', () => {
      const link = HOSTILE.find((h) => h.name === 'command-link')!.value;
      assert.equal([...link.matchAll(NOTIFICATION_LINK)].length, 1);
      assert.match(marked.parse(link) as string, /<a href="command:/);
    });

    it('cuts a long value to one line of at most the given length', () => {
      const text = notificationText(`${'['.repeat(5000)}](command:x)`, 100);
      assert.equal(text.length, 100);
      assert.ok(text.endsWith('…'));
    });
  });

  describe('as a Quick Pick label, description or detail', () => {
    // Quick Pick renders labels with VS Code's renderLabelWithIcons: the same icon step as above, on plain text.
    for (const h of HOSTILE) {
      it(`shows '${h.name}' as its characters, with no icon`, () => {
        const shown = labelText(h.value).replace(new RegExp(`(\\\\)?\\$\\((${ICON_NAME})\\)`, 'g'), (_m, escaped: string | undefined, name: string) =>
          escaped ? `$(${name})` : `<icon ${name}>`,
        );
        assert.equal(shown, visibleText(h.value));
      });
    }
  });

  it('takes linear time on long hostile values', () => {
    const long = `${'[a]('.repeat(50_000)}${'`'.repeat(50_000)}${'$('.repeat(50_000)}${'`a'.repeat(200_000)}`;
    // Finishing at all is the check: a backtracking expression would not on 300,000 characters.
    assert.ok(markdownText(long, { themeIcons: true }).length > long.length);
    assert.ok(markdownCodeSpan(long).length > long.length);
    assert.ok(notificationText(long).replace(/\u2060/g, '').length <= 300);
  });
});
