/** Variables a build or test run plausibly needs; everything else is dropped. */
const ALLOWED = new Set([
  'PATH',
  'LANG',
  'LANGUAGE',
  'TERM',
  'COLORTERM',
  'NO_COLOR',
  'FORCE_COLOR',
  'TZ',
  'CI',
  'USER',
  'LOGNAME',
  'SHELL',
  // Toolchain locations: without them a private HOME would hide installed SDKs and caches.
  'JAVA_HOME',
  'GOROOT',
  'GOPATH',
  'GOMODCACHE',
  'GOFLAGS',
  'CARGO_HOME',
  'RUSTUP_HOME',
  'VIRTUAL_ENV',
  'CONDA_PREFIX',
  // CA bundles: paths, not secrets, and needed behind TLS-intercepting proxies.
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'NODE_EXTRA_CA_CERTS',
  'REQUESTS_CA_BUNDLE',
  'CURL_CA_BUNDLE',
]);

/** Names that look like credentials are dropped even when allowed above (e.g. a LC_ or GO variable). */
const SECRET =
  /TOKEN|SECRET|PASSW|CREDENTIAL|AUTH|COOKIE|SESSION|PRIVATE|(^|_)KEY($|_)|APIKEY|^AWS_|^SSH_|^GPG_|^NPM_/i;

/**
 * Builds a child environment from an allowlist (PATH, locale, TERM, TZ, CI, toolchain
 * homes…), never passing API keys, tokens, cloud or SSH credentials. Nothing of
 * agentctl's own node setup passes (NODE_OPTIONS, NODE_PATH, NODE_REPL_*, npm_config_*):
 * those load code or change how every node process of a test starts; a project that
 * needs one sets it in `test.env`. HOME is set to `home` (a private directory).
 */
export function scrubEnv(env: NodeJS.ProcessEnv, home?: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || SECRET.test(name)) continue;
    if (ALLOWED.has(name) || name.startsWith('LC_')) out[name] = value;
  }
  if (home !== undefined) out.HOME = home;
  return out;
}
