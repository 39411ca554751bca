import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { generateCertificate } from '../../../server/src/certificates/generate';
import { parseDotNetName } from '../../../server/src/certificates/names';
import { subjectProblem } from '../../../server/src/certificates/plan';
import { certificateInfoFromDer } from '../../../server/src/certificates/info';

test('C is a two-letter code and E, DC are ASCII: what PrintableString and IA5String can hold', async () => {
  assert.match(subjectProblem('CN=x, C=日本')!, /C must be a two-letter country code/);
  assert.match(subjectProblem('CN=x, C=Netherlands')!, /C must be a two-letter country code/);
  assert.match(subjectProblem('CN=x, E=ü@example.com')!, /E takes ASCII characters only/);
  assert.match(subjectProblem('CN=x, DC=café')!, /DC takes ASCII characters only/);
  await assert.rejects(generateCertificate({ id: 'c', kind: 'root', subject: 'CN=x, C=日本' }), /two-letter country code/);
  // Unicode stays welcome where the value is a UTF8String, and reads back as written.
  assert.equal(subjectProblem('CN=Jäne Dœ 日本, O=Ünïcode, C=NL, E=a@b.example, DC=example'), undefined);
  const root = await generateCertificate({ id: 'u', kind: 'root', subject: 'CN=Jäne Dœ 日本, O=Ünïcode, C=NL, E=a@b.example' });
  assert.equal(certificateInfoFromDer(root.der).subject, 'CN=Jäne Dœ 日本, O=Ünïcode, C=NL, E=a@b.example');
  assert.deepEqual(parseDotNetName('C=nl').map((a) => a.value), ['nl']);
});
