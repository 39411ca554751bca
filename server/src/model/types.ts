import type { Span } from '../core/text';
import type { Sku, SkuSet } from './sku';

/** A Bicep value the model could or could not pin down: `'unknown'` for params without defaults, named values... */
export type TriBool = true | false | 'unknown';

/** A place in a Bicep file. */
export interface BicepRef {
  file: string;
  span: Span;
}

/** A `Microsoft.ApiManagement/service` resource (defining or `existing`, resolved to the defining one when possible). */
export interface ServiceInfo {
  /** The resource declaration. */
  ref: BicepRef;
  symbolicName: string;
  existing: boolean;
  /** The defining declaration when this one is `existing` and the workspace has exactly one candidate. */
  definition?: ServiceInfo;
  skus: SkuSet;
  /**
   * `properties.enableClientCertificate`; `false` when absent. `defaultOf`: the parameter whose default gave the value,
   * in a template nothing deploys with values (a deployment may pass another). `falseIn`: when it differs between the
   * deployments of the template (parameters files, module calls), the SKUs of those where it is false.
   */
  enableClientCertificate: { value: TriBool; ref?: BicepRef; defaultOf?: string; falseIn?: SkuSet };
  /** Where to insert `enableClientCertificate: true` (offset just inside `properties: {`, or of the resource body). */
  propertiesRef?: BicepRef;
  /** `properties.certificates` (CA certificates), if present. */
  caCertificates?: CaCertificatesInfo;
  /**
   * The registry module that deploys the service (an Azure Verified Module): its settings are the module's parameters
   * (`sku`, `enableClientCertificate`, `certificates`), written in its `params` object.
   */
  registryModule?: string;
  /** `Microsoft.ApiManagement/service/namedValues` of this service, by lower-case display name (what `{{…}}` names). */
  namedValues?: Map<string, NamedValueInfo>;
  /**
   * The `Microsoft.ApiManagement/service/certificates` resources deployed to this (defining) service: their ids (resource
   * names), and whether that list is complete (false when a name can't be read: a parameter, a loop).
   */
  uploadedCertificates?: { ids: UploadedCertificate[]; complete: boolean };
  /**
   * HTTP/2 for the gateway's clients: `properties.customProperties['Microsoft.WindowsAzure.ApiManagement.Gateway.
   * Protocols.Server.Http2']` (a 'True' / 'False' string; off when absent). `ref` is the member, when written.
   */
  clientHttp2: { value: TriBool; ref?: BicepRef };
  /**
   * The gateway's host names written in `properties.hostnameConfigurations` (items of type 'Proxy' or whose type is
   * unknown); undefined when the array can't be read (a parameter, a loop).
   */
  gatewayHostnames?: GatewayHostname[];
  /**
   * Whether callers on the internet can reach the gateway: `private` when `properties.virtualNetworkType` is 'Internal'
   * (reachable only from within the virtual network) or `publicNetworkAccess` is 'Disabled' (private endpoints only);
   * `public` when both are known and neither holds; `unknown` when one can't be read. `ref` is the setting that made it
   * private.
   */
  reachability: { value: 'private' | 'public' | 'unknown'; ref?: BicepRef };
}

/** An item of `hostnameConfigurations` that may be a gateway (`type: 'Proxy'`) host name. */
export interface GatewayHostname {
  /** The item (the object literal). */
  ref: BicepRef;
  hostName?: string;
  /** `negotiateClientCertificate` (false when absent), and the member when written. */
  negotiateClientCertificate: { value: TriBool; ref?: BicepRef };
}

/** A named value deployed by Bicep, read as a boolean per SKU of its service (for `validate-trust="{{…}}"`). */
export interface NamedValueInfo {
  ref: BicepRef;
  displayName: string;
  /** The service's possible SKUs on which the value may be "true" (any casing), and those on which it certainly is. */
  maybeTrue: ReadonlySet<Sku>;
  certainlyTrue: ReadonlySet<Sku>;
}

export interface CaCertificatesInfo {
  /** The `certificates:` property. */
  ref: BicepRef;
  /** Whether the array is present for the possible SKUs: a guard like `contains(classic, sku) ? [...] : null` gives `guarded`. */
  presentFor: 'all' | 'guarded';
  /** The SKUs for which the guard yields the array (meaningful when `guarded`). */
  skusWhenPresent: SkuSet;
  /** Whether the array (the guarded one, for `guarded`) uploads anything: `null`, `[]`, a false condition don't. */
  presence: CaPresence;
  /** Every entry the array may hold: both sides of a condition (`cond ? [a, b] : [c]` gives three). */
  entries: CertificateEntry[];
  /** How many entries one deployment installs at most: a condition deploys one of its sides (two, above). */
  mostAtOnce: number;
}

export type CaPresence = 'certain' | 'maybe' | 'none';

/** A `Microsoft.ApiManagement/service/certificates` resource: its id (the resource name) and what it uploads. */
export interface UploadedCertificate {
  id: string;
  ref: BicepRef;
  /** Its `data` (read for the thumbprint that `context.Deployment.Certificates` is keyed by). */
  entry: CertificateEntry;
}

/** One item of `properties.certificates`, or the `properties` of a `service/certificates` resource. */
export interface CertificateEntry {
  ref: BicepRef;
  kind: 'ca' | 'client';
  /** A CA entry of a registry module's `certificates` parameter (an Azure Verified Module), not of `properties`. */
  registryModule?: string;
  /** `storeName` for CA entries. */
  storeName?: { value: string | undefined; ref: BicepRef };
  /** `encodedCertificate` (CA) or `data` (client). */
  data?: CertificateData;
}

export interface CertificateData {
  ref: BicepRef;
  /** A string literal in the Bicep itself. */
  literal?: string;
  /** `loadTextContent('path')` / `loadFileAsBase64('path')`: the resolved absolute path and the call's span. */
  loadedFile?: { path: string; fn: string; ref: BicepRef; pathRef: BicepRef };
  /** True when wrapped in something that rewrites the text (e.g. `replace(...)`): markers may be stripped. */
  transformed: boolean;
}

export type PolicyScope = 'service' | 'api' | 'operation' | 'product' | 'fragment' | 'unknown';

/** A Bicep policy resource (`service/policies`, `apis/policies`, `apis/operations/policies`, `products/policies`, `policyFragments`). */
export interface PolicyResource {
  ref: BicepRef;
  scope: PolicyScope;
  /** `properties.format` when it is a literal. */
  format?: { value: string; ref: BicepRef };
  /** `properties.format` written as something that isn't a literal (a parameter, `policy.format`, a ternary). */
  formatUnread?: BicepRef;
  /** `properties.value` */
  value?: {
    ref: BicepRef;
    /**
     * The policy file loaded with `loadTextContent('…')`, resolved to an absolute path; `exists` on disk or in the
     * editor; `missing` when it was looked for on disk and is not there (Bicep can't build the template);
     * `transformed` when a string function rewrites the text before it is deployed (`replace(…)`).
     */
    loadedFile?: { path: string; ref: BicepRef; pathRef: BicepRef; exists: boolean; missing?: true; transformed?: boolean };
    /**
     * A string that looks like a path ('./x.xml'), written as the value, in a variable or by a module's caller, and
     * where it is written: the `policy-value-not-loaded` mistake.
     */
    literal?: { value: string; ref: BicepRef };
    /** The policy XML written in the Bicep string itself (`value: '''<policies>…'''`). */
    inline?: InlinePolicy;
  };
  /** The service this policy is deployed to, when the model can tell. */
  service?: ServiceInfo;
  /**
   * The SKUs this policy is deployed on, when fewer than the service's: the text comes through one deployment's
   * parameters (`dev.bicepparam` passes both the policy and the SKU of a template's service), read from that deployment.
   */
  skus?: SkuSet;
  /** For an API or operation policy: the possible names of its API (lower case); empty when unknown. */
  apiNames?: string[];
}

/** A self-hosted gateway (`Microsoft.ApiManagement/service/gateways`) of a service declared in the workspace. */
export interface SelfHostedGateway {
  /** The declaration. */
  ref: BicepRef;
  name?: string;
  /** The defining service it belongs to. */
  service: ServiceInfo;
  /** The APIs assigned to it (`gateways/apis`), by name in lower case. */
  apis: Set<string>;
  /** Whether an assignment's API name is unknown (a parameter). */
  unknownApis: boolean;
  /** Its `gateways/certificateAuthorities` resources. */
  certificateAuthorities: BicepRef[];
}

/** A policy written in a Bicep string literal, as Bicep reads it, with where each character comes from. */
export interface InlinePolicy {
  /**
   * The Bicep file the string is written in: the resource's own, or a caller's that passes the string to the module
   * parameter the resource deploys (findings go there).
   */
  file: string;
  text: string;
  /** The offset in the Bicep file of each character of `text`, then of its end (`text.length + 1` entries). */
  offsets: readonly number[];
  /** A `'''…'''` string: verbatim, so a policy comment can go on its own line inside it. */
  multiline: boolean;
  /**
   * In an interpolated string, where each hole (`${…}`, known only at deployment) stands in `text`: it is linted only
   * when every hole is inside an attribute value, and findings on those attributes are dropped.
   */
  holes?: Span[];
}

/** A policy deployed by the Bicep: the file it loads, or the Bicep file whose string holds it. */
export interface EnclosingSource {
  file: string;
  inline?: InlinePolicy;
}

/** One deployment of a policy, and the scopes above it, nearest first (see `WorkspaceModel.enclosingPolicies`). */
export interface EnclosingDeployment {
  levels: { scope: 'API' | 'global'; sources: EnclosingSource[] }[];
}

/** What the model knows about one policy file. */
export interface PolicyContext {
  /** The Bicep resources that load this file (may be several, in several files). */
  deployments: PolicyResource[];
  /** The SKUs the policy may run on: the union over its services, the user's setting, or unknown. */
  skus: SkuSet;
}

export interface WorkspaceModel {
  /** How a policy file relates to the Bicep in the workspace. */
  policyContext(policyFile: string): PolicyContext;
  /** Services declared in a Bicep file (with `existing` ones resolved). */
  servicesIn(bicepFile: string): ServiceInfo[];
  /** Policy resources declared in a Bicep file. */
  policyResourcesIn(bicepFile: string): PolicyResource[];
  /**
   * The policies written in a Bicep file's strings, each once, with what the model knows of it: the resources that
   * deploy it (a string held by a variable or a parameter's default may be deployed by several) and their SKUs together.
   */
  inlinePoliciesIn(bicepFile: string): { inline: InlinePolicy; context: PolicyContext }[];
  /**
   * Policy resources whose `loadTextContent('…')`, or a path written instead of one (`'./x.xml'`), is in a Bicep file
   * (a module's caller may pass it on).
   */
  policyLoadsIn(bicepFile: string): PolicyResource[];
  /** The files that `Microsoft.ApiManagement/service/policyFragments` resources named `id` load (`<include-fragment>`). */
  fragmentFiles(id: string): string[];
  /** The fragments named `id` written in a Bicep string (`value: '''<fragment>…'''`), with the Bicep file. */
  inlineFragments(id: string): { file: string; inline: InlinePolicy }[];
  /**
   * For a policy file deployed by the Bicep at operation or API scope (or a policy written in a Bicep string: the
   * resource that deploys it): per deployment, the policies whose inbound its
   * `<base />` runs, nearest scope first (an operation's API policies, then its service's global policies). A level
   * with no source is a scope without a policy, which passes the request on. Empty for other files.
   */
  enclosingPolicies(policy: string | readonly PolicyResource[]): EnclosingDeployment[];
  /** `Microsoft.ApiManagement/service/certificates` resources and CA entries declared in a Bicep file. */
  certificateEntriesIn(bicepFile: string): CertificateEntry[];
  /** Self-hosted gateways declared in a Bicep file (of a service the workspace defines). */
  selfHostedGatewaysIn(bicepFile: string): SelfHostedGateway[];
  /** Files the given file's findings depend on, and files whose findings depend on it (for re-linting). */
  dependents(file: string): string[];
}
