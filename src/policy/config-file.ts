/** The repo-root file that holds agentctl's own policy; the path guard never lets a proposal write it. */
export const CONFIG_FILE = 'agentctl.config.json';
