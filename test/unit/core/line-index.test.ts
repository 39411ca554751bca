import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { LineIndex } from '../../../server/src/core/text';

// LSP and VS Code end lines at \n, \r\n and a lone \r: positions must agree with the editor's on every kind.
const cases: [string, string][] = [
  ['\\n', 'a\nbc\n\nd'],
  ['\\r\\n', 'a\r\nbc\r\n\r\nd'],
  ['a lone \\r', 'a\rbc\r\rd'],
  ['mixed', 'a\r\nbc\r\nd'.replace('bc\r\n', 'bc\r\n') + '\re\nf'],
];

for (const [name, text] of cases) {
  test(`line breaks: ${name}`, () => {
    const index = new LineIndex(text);
    const lines = text.split(/\r\n|\r|\n/);
    assert.equal(index.lineCount, lines.length);
    lines.forEach((content, line) => {
      assert.equal(index.lineText(line), content, `line ${line}`);
      const start = index.lineStart(line);
      assert.deepEqual(index.positionAt(start), { line, character: 0 });
      assert.equal(index.offsetAt({ line, character: content.length }), index.lineEnd(line));
      // A column past the end of the line stays on it (before its line break).
      assert.equal(index.offsetAt({ line, character: content.length + 5 }), index.lineEnd(line));
    });
  });
}

test('a lone \\r starts a line: an element after it is on the next line', () => {
  const text = '<policies>\r<inbound />\r</policies>';
  const index = new LineIndex(text);
  assert.deepEqual(index.positionAt(text.indexOf('<inbound')), { line: 1, character: 0 });
  assert.deepEqual(index.positionAt(text.indexOf('</policies>')), { line: 2, character: 0 });
});
