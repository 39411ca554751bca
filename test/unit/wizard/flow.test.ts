import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { BACK, offerAgain, runWizard, type Back, type StepPosition, type WizardStep } from '../../../client/src/wizard/flow';

/** The wizard's navigation, driven by a script of answers in place of a user: what each step was shown, in order. */

interface Answers {
  kind?: string;
  subject?: string;
  issuer?: string;
  dns?: string;
}

type Scripted = string | Back | undefined;

function scripted(script: Scripted[]): { steps: WizardStep<Answers>[]; shown: string[] } {
  const shown: string[] = [];
  const step = (name: keyof Answers, when?: (s: Answers) => boolean): WizardStep<Answers> => ({
    ...(when ? { when } : {}),
    ask: async (s: Answers, at: StepPosition) => {
      // What the prompt shows: its counter, and the earlier answer it offers as the default.
      shown.push(`${name} ${at.step}/${at.totalSteps}${s[name] !== undefined ? ` (was ${s[name]})` : ''}`);
      assert.ok(script.length > 0, `asked ${name} after the script ended`);
      const answer = script.shift();
      if (answer === undefined || answer === BACK) return answer;
      s[name] = answer;
      return true;
    },
  });
  return {
    steps: [step('kind'), step('subject'), step('issuer', (s) => s.kind !== 'root'), step('dns', (s) => (s.kind ?? 'client') === 'client')],
    shown,
  };
}

test('wizard: Back returns to the step before with its answer kept, and the counter follows', async () => {
  const { steps, shown } = scripted(['client', 'CN=a', BACK, 'CN=b', 'self-signed', 'a.example']);
  const s: Answers = {};
  assert.equal(await runWizard(steps, s), true);
  assert.deepEqual(shown, ['kind 1/4', 'subject 2/4', 'issuer 3/4', 'subject 2/4 (was CN=a)', 'issuer 3/4', 'dns 4/4']);
  assert.deepEqual(s, { kind: 'client', subject: 'CN=b', issuer: 'self-signed', dns: 'a.example' });
});

test('wizard: steps that no longer apply are skipped forwards and backwards, and the total shrinks', async () => {
  // client, then back to the first step and root instead: no issuer, no DNS names; Back from the subject skips nothing.
  const { steps, shown } = scripted(['client', 'CN=a', BACK, BACK, 'root', BACK, 'root', 'CN=Root']);
  const s: Answers = {};
  assert.equal(await runWizard(steps, s), true);
  assert.deepEqual(shown, ['kind 1/4', 'subject 2/4', 'issuer 3/4', 'subject 2/4 (was CN=a)', 'kind 1/4 (was client)', 'subject 2/2 (was CN=a)', 'kind 1/2 (was root)', 'subject 2/2 (was CN=a)']);
  assert.equal(s.kind, 'root');
  assert.equal(s.subject, 'CN=Root');
});

test('wizard: Back on the first step asks it again; Escape anywhere ends it unanswered', async () => {
  const first = scripted([BACK, 'client', undefined]);
  assert.equal(await runWizard(first.steps, {}), false);
  assert.deepEqual(first.shown, ['kind 1/4', 'kind 1/4', 'subject 2/4']);
  const later = scripted(['intermediate', 'CN=I', undefined]);
  const s: Answers = {};
  assert.equal(await runWizard(later.steps, s), false);
  // Before the kind is chosen, the counter assumes the first choice (a client certificate).
  assert.deepEqual(later.shown, ['kind 1/4', 'subject 2/3', 'issuer 3/3']);
});

test('wizard: a step asked again offers the answer typed, or the default of the answers now when the default was kept', () => {
  // First asked: nothing answered yet.
  assert.equal(offerAgain(undefined, undefined, 'dev-client'), 'dev-client');
  // The DNS default was kept, then the subject changed by going back: the default follows the new subject.
  assert.equal(offerAgain('dev-client', 'dev-client', 'api-gateway'), 'api-gateway');
  // A name the user typed stays, whatever the subject became; so does an emptied box (no DNS names).
  assert.equal(offerAgain('svc.contoso.com', 'dev-client', 'api-gateway'), 'svc.contoso.com');
  assert.equal(offerAgain('', 'dev-client', 'api-gateway'), '');
});
