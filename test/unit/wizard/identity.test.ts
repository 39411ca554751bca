import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { identityInsertion } from '../../../client/src/wizard/identity';

const T = 'ab'.repeat(20);
const ID = `<identity thumbprint="${T.toUpperCase()}" />`;

function apply(text: string, cursor: number): { text: string; where: string } {
  const e = identityInsertion(text, cursor, T);
  return { text: text.slice(0, e.start) + e.text + text.slice(e.end), where: e.where };
}

const POLICY = `<policies>
    <inbound>
        <validate-client-certificate validate-trust="true">
            <identities>
                <identity thumbprint="1111111111111111111111111111111111111111" />
            </identities>
        </validate-client-certificate>
    </inbound>
</policies>
`;

test('appends to the first <identities> when the cursor is elsewhere', () => {
  const r = apply(POLICY, 0);
  assert.equal(r.where, 'identities');
  assert.equal(r.text, POLICY.replace('1111" />\n', `1111" />\n                ${ID}\n`));
});

test('inserts at the cursor on a blank line of <identities>, on a line of its own elsewhere in it, or after the identity the cursor is on', () => {
  // On the line of </identities> (the UX review: the identity ran on after the spaces, before </identities>).
  const at = POLICY.indexOf('</identities>');
  const r = apply(POLICY, at - 1);
  assert.equal(r.where, 'cursor');
  assert.equal(r.text, POLICY.replace('1111" />\n', `1111" />\n                ${ID}\n`));
  const blank = POLICY.replace('1111" />\n', '1111" />\n                \n');
  const cursor = blank.indexOf('1111" />\n') + '1111" />\n'.length + 16;
  assert.equal(apply(blank, cursor).text, blank.slice(0, cursor) + ID + blank.slice(cursor));
  const on = POLICY.indexOf('thumbprint="1111');
  const after = apply(POLICY, on);
  assert.equal(after.text, POLICY.replace('1111" />', `1111" />\n                ${ID}`));
});

test('creates <identities> when missing (open, self-closing element, or self-closing identities)', () => {
  const open = `<policies>\n  <inbound>\n    <validate-client-certificate validate-trust="false">\n    </validate-client-certificate>\n  </inbound>\n</policies>\n`;
  const r = apply(open, 0);
  assert.equal(r.where, 'new-identities');
  assert.equal(r.text, open.replace('">\n    </validate', `">\n      <identities>\n        ${ID}\n      </identities>\n    </validate`));

  const closed = `<policies>\n  <inbound>\n    <validate-client-certificate validate-trust="false" />\n  </inbound>\n</policies>\n`;
  assert.equal(
    apply(closed, 0).text,
    closed.replace('"false" />', `"false">\n      <identities>\n        ${ID}\n      </identities>\n    </validate-client-certificate>`),
  );

  const empty = `<policies>\r\n\t<inbound>\r\n\t\t<validate-client-certificate>\r\n\t\t\t<identities />\r\n\t\t</validate-client-certificate>\r\n\t</inbound>\r\n</policies>`;
  assert.equal(apply(empty, 0).text, empty.replace('<identities />', `<identities>\r\n\t\t\t\t${ID}\r\n\t\t\t</identities>`));
});

test('without validate-client-certificate: at the cursor, and says so', () => {
  const text = '<policies>\n  <inbound>\n    \n  </inbound>\n</policies>\n';
  const cursor = text.indexOf('    \n') + 4;
  const r = apply(text, cursor);
  assert.equal(r.where, 'no-policy');
  assert.equal(r.text, text.slice(0, cursor) + ID + text.slice(cursor));
});
