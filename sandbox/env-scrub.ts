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
 * NODE_OPTIONS can `--require`/`--import` code from outside the worktree or attach a
 * debugger in every test process, so only heap-size flags survive.
 */
function safeNodeOptions(value: string): string | undefined {
  const kept = value.split(/\s+/).filter((flag) => /^--max-(old|semi)-space-size=\d+$/.test(flag));
  return kept.length > 0 ? kept.join(' ') : undefined;
}

/**
 * Builds a child environment from an allowlist (PATH, locale, TERM, TZ, CI, toolchain
 * homes…), never passing API keys, tokens, cloud or SSH credentials. HOME is set to
 * `home` (a private directory the caller creates) rather than the user's real one.
 */
export function scrubEnv(env: NodeJS.ProcessEnv, home?: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || SECRET.test(name)) continue;
    if (ALLOWED.has(name) || name.startsWith('LC_')) out[name] = value;
  }
  const nodeOptions = env.NODE_OPTIONS === undefined ? undefined : safeNodeOptions(env.NODE_OPTIONS);
  if (nodeOptions !== undefined) out.NODE_OPTIONS = nodeOptions;
  if (home !== undefined) out.HOME = home;
  return out;
}
