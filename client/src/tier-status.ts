import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { POLICY_TIER_REQUEST, type PolicyTier } from '../../server/src/lsp/protocol';
import { CHAIN_UNSUPPORTED_SKUS, SKUS, type Sku } from '../../server/src/model/sku';

/** The status bar item's id (its DOM id ends with it) and the command it runs. */
export const TIER_STATUS_ID = 'apimMtls.tier';
export const SHOW_TIER_COMMAND = 'apimMtls.showPolicyTier';

/** Past this many tiers the status bar counts them (the tooltip lists them): nine names crowd out the other items. */
const MAX_NAMED_TIERS = 3;

/**
 * What the status bar says for a policy: `APIM: StandardV2`, `APIM: BasicV2, StandardV2, PremiumV2`, `APIM: any tier`,
 * `APIM: 6 tiers (3 without chain validation)`, `APIM: tier unknown`.
 */
export function tierText(tier: PolicyTier): string {
  if (tier.skus.length === 0) return 'APIM: tier unknown';
  const or = tier.unknown ? ' or unknown' : '';
  if (tier.skus.length <= MAX_NAMED_TIERS) return `APIM: ${tier.skus.join(', ')}${or}`;
  if (tier.skus.length === ALL_TIERS) return 'APIM: any tier';
  const unvalidated = tier.skus.filter((s) => CHAIN_UNSUPPORTED_SKUS.has(s as Sku)).length;
  return `APIM: ${tier.skus.length} tiers${unvalidated ? ` (${unvalidated} without chain validation)` : ''}${or}`;
}

const ALL_TIERS = SKUS.length;

/**
 * A status bar item for the active policy: the tiers the linter reads for it from the Bicep that deploys it (or from
 * `apimMtls.sku` / `.apim-mtls.json`), since most of its findings depend on them. Clicking it lists where they come
 * from (and opens the place picked), or, when nothing says, offers the `apimMtls.sku` setting.
 */
export function registerTierStatus(context: vscode.ExtensionContext, getClient: () => LanguageClient | undefined): void {
  const item = vscode.window.createStatusBarItem(TIER_STATUS_ID, vscode.StatusBarAlignment.Right, 100);
  item.name = 'APIM mTLS: policy tier';
  item.command = SHOW_TIER_COMMAND;
  let shown: { uri: string; tier: PolicyTier } | undefined;
  let pending: NodeJS.Timeout | undefined;

  const update = async (): Promise<void> => {
    const doc = vscode.window.activeTextEditor?.document;
    const client = getClient();
    if (!doc || doc.languageId !== 'apim-policy' || !client?.isRunning()) {
      shown = undefined;
      item.hide();
      return;
    }
    const uri = doc.uri.toString();
    const tier = await client.sendRequest<PolicyTier | null>(POLICY_TIER_REQUEST, { uri }).catch(() => null);
    if (vscode.window.activeTextEditor?.document.uri.toString() !== uri) return; // moved on meanwhile
    if (!tier) {
      shown = undefined;
      item.hide();
      return;
    }
    shown = { uri, tier };
    item.text = `$(shield) ${tierText(tier)}`;
    item.tooltip = new vscode.MarkdownString(tooltip(tier));
    item.show();
  };
  const soon = (): void => {
    clearTimeout(pending);
    pending = setTimeout(() => void update(), 150);
  };

  context.subscriptions.push(
    item,
    { dispose: () => clearTimeout(pending) },
    vscode.window.onDidChangeActiveTextEditor(soon),
    // A Bicep edit (the SKU) re-lints the policy: its diagnostics are published again, so is the tier read again.
    vscode.languages.onDidChangeDiagnostics((e) => {
      const active = vscode.window.activeTextEditor?.document.uri.toString();
      if (active && e.uris.some((u) => u.toString() === active)) soon();
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('apimMtls')) soon();
    }),
    vscode.commands.registerCommand(SHOW_TIER_COMMAND, async (options?: { quiet?: boolean }) => {
      await update();
      // For tests and keybindings that only want to know: the text shown, without the picker.
      if (options?.quiet) return shown ? { text: tierText(shown.tier), ...shown.tier } : undefined;
      if (!shown) return undefined;
      if (shown.tier.origins.length === 0) {
        const open = shown.tier.setBy ? 'Open apimMtls.sku' : 'Set apimMtls.sku';
        const answer = await vscode.window.showInformationMessage(`${untold(shown.tier)}`, open);
        if (answer === open) await vscode.commands.executeCommand('workbench.action.openSettings', 'apimMtls.sku');
        return undefined;
      }
      const pick = await vscode.window.showQuickPick(
        // The place on the first line, the reason on a line of its own: a long reason ("existing service 'apim': its
        // name can't be read here, so …") cut the place off when both shared the first line.
        shown.tier.origins.map((o) => ({ label: `$(go-to-file) ${vscode.workspace.asRelativePath(vscode.Uri.parse(o.uri))}:${o.line + 1}`, detail: o.message, origin: o })),
        { placeHolder: `${tierText(shown.tier)}: where the tier comes from`, matchOnDetail: true },
      );
      if (pick) {
        const editor = await vscode.window.showTextDocument(vscode.Uri.parse(pick.origin.uri));
        const at = new vscode.Position(pick.origin.line, 0);
        editor.selection = new vscode.Selection(at, at);
        editor.revealRange(new vscode.Range(at, at), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
      }
      return undefined;
    }),
  );
  soon();
}

function tooltip(tier: PolicyTier): string {
  const lines = [`**APIM tier of this policy:** ${tier.skus.length ? tier.skus.join(', ') : 'unknown'}${tier.unknown && tier.skus.length ? ' (or an unknown SKU)' : ''}`, ''];
  for (const o of tier.origins) lines.push(`- ${o.message} (${vscode.workspace.asRelativePath(vscode.Uri.parse(o.uri))}:${o.line + 1})`);
  if (tier.origins.length === 0) lines.push(untold(tier));
  lines.push('', 'Consumption and the v2 tiers can’t validate a client certificate’s chain.');
  return lines.join('\n');
}

/** What a tier with no file to point at says: the setting that set it, or why the Bicep doesn't tell it. */
function untold(tier: PolicyTier): string {
  if (tier.setBy) return `This policy is linted for ${tier.skus.join(', ')}, set by ${tier.setBy}: the Bicep doesn't tell its tier.`;
  if (tier.deployments === 0) return 'No Bicep file in the workspace deploys this policy, so its tier is unknown and the tier rules stay silent. Set the tier it runs on in apimMtls.sku.';
  return "The Bicep that deploys this policy doesn't tell its service's tier (an existing service named by a parameter, a SKU from the environment), so the tier rules stay silent. Set the tier it runs on in apimMtls.sku.";
}
