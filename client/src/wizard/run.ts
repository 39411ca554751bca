import { certificateOutputs, generateCertificate, type GeneratedCertificate, type OutputFile } from '../../../server/src/certificates/generate';
import { certificateRequest, loadIssuerPfx, type IssuePlan, type LoadedIssuer } from '../../../server/src/certificates/plan';
import { generateSampleTree, sampleTreeOutputs } from '../../../server/src/certificates/tree';
import { writeOutputs } from '../../../server/src/certificates/write';
import { errorMessage } from '../../../server/src/core/errors';
import type { CertificatePlan, GenerateCertificateResult, GeneratedSummary, GenerateTreeResult, Secrets, TreePlan } from './options';

/**
 * Turns a validated plan into library calls: generate, build the output files, write them. No `vscode` import.
 * Generation and writing are separate steps so a front end can ask "Overwrite?" on `FilesExistError` without
 * generating again.
 */

/** Certificates made and the files to write, not yet written. */
export interface Prepared {
  outDir: string;
  files: OutputFile[];
  /** Every certificate made, the requested one last. */
  certificates: GeneratedCertificate[];
}

const DAY_MS = 86_400_000;

/** The subject of the root made for `issuer: 'self-signed'`: the CN gets " Root CA" (`CN=dev-client, O=X` → `CN=dev-client Root CA, O=X`). */
export function rootSubjectFor(subject: string, id: string): string {
  const m = /(^|,)(\s*CN=)("(?:[^"]|"")*"|[^,]*)/i.exec(subject);
  if (!m) return `CN=${id} Root CA, ${subject}`;
  const value = m[3]!;
  const renamed = value.startsWith('"') ? `${value.slice(0, -1)} Root CA"` : `${value.trim()} Root CA`;
  const at = m.index + m[1]!.length + m[2]!.length;
  return subject.slice(0, at) + renamed + subject.slice(at + value.length);
}

function issuePlan(plan: CertificatePlan, issuer: LoadedIssuer | GeneratedCertificate | undefined): IssuePlan {
  return {
    kind: plan.kind,
    subject: plan.subject,
    id: plan.id,
    ...(issuer ? { issuer } : {}),
    keyType: plan.keyType,
    ...('days' in plan.validity && plan.validity.days !== undefined ? { validityDays: plan.validity.days } : {}),
    ...('notBefore' in plan.validity ? { notBefore: plan.validity.notBefore, notAfter: plan.validity.notAfter } : {}),
    ...(plan.dnsNames ? { dnsNames: plan.dnsNames } : {}),
  };
}

/** A new root for `issuer: 'self-signed'`: 10 years from now, stretched to cover the requested dates. */
async function newRootFor(plan: CertificatePlan): Promise<GeneratedCertificate> {
  const now = Date.now();
  let notBefore = now;
  let notAfter = now + 3650 * DAY_MS;
  if ('notBefore' in plan.validity) {
    notBefore = Math.min(notBefore, plan.validity.notBefore.getTime());
    notAfter = Math.max(notAfter, plan.validity.notAfter.getTime());
  } else if (plan.validity.days !== undefined) {
    notAfter = Math.max(notAfter, now + (plan.validity.days + 1) * DAY_MS);
  }
  return generateCertificate(
    certificateRequest({ kind: 'root', id: `${plan.id}-root-ca`, subject: rootSubjectFor(plan.subject, plan.id), keyType: plan.keyType, notBefore: new Date(notBefore), notAfter: new Date(notAfter) }),
  );
}

/**
 * Generates what the plan asks for. The issuer .pfx is read with `secrets.issuerPassword` unless the caller
 * already loaded it (the wizard does, to check the password before going on).
 */
export async function prepareCertificate(plan: CertificatePlan, secrets: Secrets, loadedIssuer?: LoadedIssuer): Promise<Prepared> {
  const made: GeneratedCertificate[] = [];
  let issuer: LoadedIssuer | GeneratedCertificate | undefined;
  if (plan.issuer.type === 'pfx') {
    if (loadedIssuer) issuer = loadedIssuer;
    else {
      const file = plan.issuer.file;
      if (secrets.issuerPassword === undefined) throw new Error(`no password for the issuer ${file}`);
      issuer = await loadIssuerPfx(file, secrets.issuerPassword).catch((e: unknown) => {
        throw new Error(`cannot use ${file} as issuer: ${errorMessage(e)}`);
      });
    }
  } else if (plan.kind !== 'root') {
    const root = await newRootFor(plan);
    made.push(root);
    issuer = root;
  }
  made.push(await generateCertificate(certificateRequest(issuePlan(plan, issuer))));
  const files = (await Promise.all(made.map((c) => certificateOutputs(c, { password: secrets.password, legacyPfx: plan.legacyPfx })))).flat();
  return { outDir: plan.outDir, files, certificates: made };
}

/** Generates the 8-certificate sample tree (see server/src/certificates/tree.ts). */
export async function prepareTree(plan: TreePlan, secrets: Secrets): Promise<Prepared> {
  const tree = await generateSampleTree({ keyType: plan.keyType });
  const files = await sampleTreeOutputs(tree, { password: secrets.password, legacyPfx: plan.legacyPfx });
  return { outDir: plan.outDir, files, certificates: tree.map((e) => e.certificate) };
}

/** Writes prepared files (keys 0600). Throws `FilesExistError` before writing anything when a file exists and `overwrite` is off. */
export async function writePrepared(prepared: Prepared, overwrite: boolean): Promise<string[]> {
  const written = await writeOutputs(prepared.outDir, prepared.files, { overwrite });
  return written.map((w) => w.path);
}


export function summarize(c: GeneratedCertificate): GeneratedSummary {
  return { id: c.id, kind: c.kind, subject: c.info.subject, thumbprint: c.info.thumbprint, notAfter: c.info.notAfter.toISOString() };
}

/** The command result for a written certificate. */
export function certificateResult(prepared: Prepared, files: string[]): GenerateCertificateResult {
  const main = prepared.certificates[prepared.certificates.length - 1]!;
  const warnings = prepared.certificates.flatMap((c) => c.warnings ?? []);
  return { files, thumbprint: main.info.thumbprint, subject: main.info.subject, outDir: prepared.outDir, certificates: prepared.certificates.map(summarize), ...(warnings.length ? { warnings } : {}) };
}

export function treeResult(prepared: Prepared, files: string[]): GenerateTreeResult {
  return { files, outDir: prepared.outDir, certificates: prepared.certificates.map(summarize) };
}

/** Validated plan → files on disk, in one call (what the command does with an argument object). */
export async function generateAndWrite(plan: CertificatePlan, secrets: Secrets): Promise<GenerateCertificateResult> {
  const prepared = await prepareCertificate(plan, secrets);
  return certificateResult(prepared, await writePrepared(prepared, plan.overwrite));
}

export async function generateTreeAndWrite(plan: TreePlan, secrets: Secrets): Promise<GenerateTreeResult> {
  const prepared = await prepareTree(plan, secrets);
  return treeResult(prepared, await writePrepared(prepared, plan.overwrite));
}

