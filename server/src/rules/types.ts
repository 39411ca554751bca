import type { Fix, Level, RelatedInfo } from '../core/finding';
import type { Span } from '../core/text';
import type { CertificateFile, CertificateInfo } from '../certificates/types';
import type { PolicyContext, WorkspaceModel } from '../model/types';
import type { PolicyDocument } from '../parsers/policy/types';
import type { BicepFile } from '../parsers/bicep/types';

/** What every rule declares about itself. The docs page is `docs/rules/<id>.md`. */
export interface RuleMeta {
  id: string;
  defaultLevel: Level;
  /** One sentence: what the rule finds. */
  description: string;
}

/** A finding as a rule reports it; the engine adds the rule id, the configured level and the file. */
export interface Report {
  span: Span;
  message: string;
  /**
   * False when the mistake holds only for some possible values (some SKUs, a named value that may be true or false):
   * the engine caps the level at `warning`. Defaults to true.
   */
  certain?: boolean;
  fixes?: Fix[];
  related?: RelatedInfo[];
}

/** A certificate file entry, as `CertificateIndex.all()` lists them. */
export interface WorkspaceCertificate {
  file: string;
  certificate: CertificateInfo;
}

/** Certificates found in the workspace (`.cer`, `.crt`, `.pem`, `.der`). */
export interface CertificateIndex {
  /** Workspace certificates with this SHA-1 thumbprint (upper-case hex). */
  byThumbprint(thumbprint: string): WorkspaceCertificate[];
  /** Every certificate in the workspace, with its file (sorted by file). */
  all(): WorkspaceCertificate[];
  /** A certificate file read from disk or the editor, if it is in the workspace. */
  file(path: string): CertificateFile | undefined;
  /** How many certificate files hold a certificate that could be read (unreadable or broken ones are not counted). */
  readonly size: number;
}

export interface RuleSettings {
  /** Days before `notAfter` from which `certificate-expiring` warns. */
  certificateExpiryWarningDays: number;
  /** The moment certificates are judged against (a fixed date in tests). */
  now: Date;
  /**
   * Told each later moment (ms since the epoch) at which a judgement made against `now` changes: a certificate
   * entering the warning window, expiring, its day count moving on. The CLI's cache keeps findings until the earliest.
   */
  onTimeBoundary?: (at: number) => void;
}

interface BaseContext {
  /** Absolute path of the file being checked; findings are reported in it. */
  file: string;
  text: string;
  model: WorkspaceModel;
  certificates: CertificateIndex;
  settings: RuleSettings;
  /**
   * The parsed policy file at a path, recording that this file's findings depend on it: the policies a Bicep file
   * deploys, a policy's enclosing scopes, the fragments it includes.
   */
  policyAt(file: string): PolicyDocument | undefined;
  report(report: Report): void;
}

export interface PolicyRuleContext extends BaseContext {
  doc: PolicyDocument;
  policy: PolicyContext;
}

export interface BicepRuleContext extends BaseContext {
  bicep: BicepFile;
}

export interface CertificateRuleContext extends BaseContext {
  certificate: CertificateFile;
}

export interface PolicyRule extends RuleMeta {
  target: 'policy';
  check(ctx: PolicyRuleContext): void;
}

export interface BicepRule extends RuleMeta {
  target: 'bicep';
  check(ctx: BicepRuleContext): void;
}

export interface CertificateRule extends RuleMeta {
  target: 'certificate';
  check(ctx: CertificateRuleContext): void;
}

export type Rule = PolicyRule | BicepRule | CertificateRule;
