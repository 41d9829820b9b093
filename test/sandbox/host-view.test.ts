import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HOST_VIEW, hostView, sandboxHome } from '../../sandbox/host-view.js';

const saved = { PATH: process.env.PATH, HOME: process.env.HOME };
let home: string;

// A fake HOME (os.homedir() reads $HOME), so the test never touches the real one.
beforeEach(async () => {
  home = await mkdtemp('/var/tmp/agentctl-home-');
  process.env.HOME = home;
});

afterEach(async () => {
  process.env.PATH = saved.PATH;
  process.env.HOME = saved.HOME;
  await rm(home, { recursive: true, force: true });
});

async function dir(rel: string): Promise<string> {
  const path = join(home, rel);
  await mkdir(path, { recursive: true });
  return path;
}

describe('the host view', () => {
  it('shows the top HOME folder of a PATH entry, never HOME itself or a credential folder', async () => {
    const tool = await dir('.pyenv/shims');
    const ssh = await dir('.ssh/bin');
    const config = await dir('.config/x/bin');
    process.env.PATH = [tool, ssh, config, home, '/usr/bin'].join(':');
    const view = hostView();
    expect(view).toContainEqual({ kind: 'ro', path: join(home, '.pyenv') });
    expect(
      view.filter((m) => m.path.startsWith(`${home}/.ssh`) || m.path.startsWith(`${home}/.config`)),
    ).toEqual([]);
    // HOME itself is never shown: inside, HOME is a private tmpfs.
    expect(view.filter((m) => m.path === home && m.kind !== 'tmpfs')).toEqual([]);
    expect(view).toContainEqual({ kind: 'tmpfs', path: sandboxHome() });
  });

  it('masks a credential file inside a shown folder, including one created after the last command', async () => {
    const bin = await dir('.cargo/bin');
    process.env.PATH = `${bin}:/usr/bin`;
    const cred = join(home, '.cargo/credentials.toml');
    expect(hostView()).not.toContainEqual({ kind: 'mask-file', path: cred });
    await writeFile(cred, 'token = "x"\n');
    expect(hostView()).toContainEqual({ kind: 'mask-file', path: cred });
  });

  it('lists no /etc file that may carry credentials', () => {
    for (const name of ['gitconfig', 'npmrc', 'pip.conf', 'shadow', 'gshadow', 'sudoers'])
      expect(HOST_VIEW.etc).not.toContain(name);
  });
});
