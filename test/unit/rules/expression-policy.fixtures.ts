/** Workspaces and policies shared by the certificate-expression rule tests (expression-policy area). */
import { SETTINGS_BICEP, apiBicep, serviceBicep, settingsHeader } from './bicep-service.fixtures';
import { policy } from './validation-policy.fixtures';

/** Where the operation policy lives in the multi-file workspaces below. */
export const OPERATION_POLICY = 'policies/check.operation.xml';

/**
 * The real-project layout [facts §5]: `main.bicep` defines the service with its SKU from an imported typed parameter
 * (`settings.bicep`), `api.bicep` references it as `existing` and loads `OPERATION_POLICY` with `loadTextContent`.
 */
export function typedSkuWorkspace(type: 'apiManagementSettingsType' | 'apiManagementV2SettingsType', format = "'rawxml'"): Record<string, string> {
  return {
    'settings.bicep': SETTINGS_BICEP,
    'main.bicep': serviceBicep('apiManagementSettings.sku', '', settingsHeader(type)),
    'api.bicep': apiBicep(`./${OPERATION_POLICY}`, format),
  };
}

/** The same layout with a literal SKU on the service. */
export function literalSkuWorkspace(sku: string, format = "'rawxml'"): Record<string, string> {
  return { 'main.bicep': serviceBicep(`'${sku}'`), 'api.bicep': apiBicep(`./${OPERATION_POLICY}`, format) };
}

/** Every tier possible (classic and v2): the blog's setup. */
export const ANY_TIER_WS = typedSkuWorkspace('apiManagementSettingsType');
/** Only v2 tiers possible. */
export const V2_WS = typedSkuWorkspace('apiManagementV2SettingsType');

/** `<policies>` with `inbound` (indented 8 spaces) after `<base />`: its first line is line 4. */
export function inbound(inner: string, onError = ''): string {
  return policy(inner, { onError });
}

export const RETURN_401 = '<return-response><set-status code="401" /></return-response>';

/** A `<choose>` that returns 401 when `condition` holds (its `<when>` on line 5), then `after`. */
export function reject(condition: string, after = ''): string {
  return inbound(`<choose>
    <when condition="${condition}">
        ${RETURN_401}
    </when>
</choose>${after}`);
}

/**
 * The blog's `validate-using-context` operation policy (rawxml): null check first, then the tier-switched chain check,
 * `DateTime.Now` and the thumbprint pin against `context.Deployment.Certificates` [facts §5]. Correct: every rule of the
 * area stays silent on it. Line 4: the `<choose>`; line 13: `VerifyNoRevocation`.
 */
export const SEED_CONTEXT_POLICY = inbound(`<choose>
    <!-- Return a 401 Unauthorized if no client certificate was provided -->
    <when condition="@(context.Request.Certificate == null)">
        <return-response>
            <set-status code="401" reason="Client certificate missing" />
        </return-response>
    </when>
    <when condition="@{
          var now = DateTime.Now; // NotBefore and NotAfter are in local time
          return ({{validate-certificate-chain}} && !context.Request.Certificate.VerifyNoRevocation()) ||
              context.Request.Certificate.NotBefore > now ||
              context.Request.Certificate.NotAfter < now ||
              !context.Deployment.Certificates.Any(c => c.Value.Thumbprint == context.Request.Certificate.Thumbprint);
    }">
        <return-response>
            <set-status code="401" reason="Invalid client certificate" />
        </return-response>
    </when>
</choose>
<return-response>
    <set-status code="200" />
    <set-body>@(context.Request.Certificate.ToString())</set-body>
</return-response>`);

/** The blog's earlier variant: null check, unguarded `VerifyNoRevocation()` (line 7) and the thumbprint pin, in one block. */
export const SEED_UNGUARDED_POLICY = inbound(`<choose>
    <when condition="@{
        return context.Request.Certificate == null ||
               !context.Request.Certificate.VerifyNoRevocation() ||
               !context.Deployment.Certificates.Any(c => c.Value.Thumbprint == context.Request.Certificate.Thumbprint);
    }">
        <return-response>
            <set-status code="401" reason="Invalid client certificate" />
        </return-response>
    </when>
</choose>
<return-response>
    <set-status code="200" />
    <set-body>@(context.Request.Certificate.ToString())</set-body>
</return-response>`);

/**
 * The blog's `set-variable` variant (post 1): the validation result goes into a variable and a later `<choose>` returns
 * 401 on it. `missingSemicolon` reproduces the blog's own bug (`return "ClientCertificateNotTrusted"` without `;`, line 22).
 */
export function seedVariablePolicy(missingSemicolon = false): string {
  return inbound(`<set-variable name="certificateValidationResult" value="@{
    if (context.Request.Certificate == null)
    {
        return "ClientCertificateNotFound";
    }

    var now = DateTime.Now; // We are using DateTime.Now because NotBefore and NotAfter are in local time
    if (context.Request.Certificate.NotBefore > now)
    {
        return "ClientCertificateNotYetValid";
    }
    if (context.Request.Certificate.NotAfter < now)
    {
        return "ClientCertificateExpired";
    }

    if (!context.Request.Certificate.VerifyNoRevocation())
    {
        return "ClientCertificateNotTrusted"${missingSemicolon ? '' : ';'}
    }

    return null;
}" />
<choose>
    <when condition="@(context.Variables.GetValueOrDefault<string>("certificateValidationResult") != null)">
        <return-response>
            <set-status code="401" />
        </return-response>
    </when>
</choose>
<set-header name="X-Client-Thumbprint" exists-action="override">
    <value>@(context.Request.Certificate.Thumbprint)</value>
</set-header>`);
}
