/** Names shared by the language server and the VS Code client (keep this file free of imports). */

/** Custom request: what the server read from a certificate file (`{ uri }` → `{ certificates, problems } | null`). */
export const CERTIFICATE_INFO_REQUEST = 'apim-mtls/certificateInfo';
