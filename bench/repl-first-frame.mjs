#!/usr/bin/env node
// Time from spawning `node bin/agentctl.js` in a real terminal (tmux) to the REPL's first frame (its prompt).
// Without tmux it falls back to a pty-less render: import the built REPL and render it into fake TTY streams.
// Prints one JSON line: { "metric": "repl_first_frame_ms", "value": N } (the median of BENCH_RUNS runs, default 5).
import { spawnSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'bin', 'agentctl.js');
const runs = Number(process.env.BENCH_RUNS ?? 5);
const PROMPT = 'agentctl › ';

if (!existsSync(join(root, 'dist', 'src', 'cli', 'main.js'))) {
  console.error('repl-first-frame: run `npm run build` first');
  process.exit(2);
}

async function viaTmux(n) {
  const socket = `agentctl-bench-${process.pid}-${n}`;
  const tmux = (...args) => spawnSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
  const start = performance.now();
  tmux(
    'new-session',
    '-d',
    '-s',
    'b',
    '-x',
    '100',
    '-y',
    '40',
    '-c',
    tmpdir(),
    `env NO_COLOR=1 node ${bin}; sleep 60`,
  );
  try {
    for (;;) {
      if (tmux('capture-pane', '-p', '-t', 'b').stdout.includes(PROMPT)) return performance.now() - start;
      if (performance.now() - start > 30_000) throw new Error('no REPL prompt within 30 s');
      await sleep(5);
    }
  } finally {
    tmux('kill-server');
  }
}

class FakeTty extends EventEmitter {
  isTTY = true;
  columns = 100;
  rows = 40;
  text = '';
  write(chunk) {
    this.text += String(chunk);
    this.emit('written');
    return true;
  }
  setEncoding() {}
  setRawMode() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
  read = () => null;
}

// In-process, so only the first run pays for loading modules: the number is import + first render.
async function ptyless() {
  const start = performance.now();
  const { replCommand } = await import(join(root, 'dist', 'src', 'cli', 'commands', 'repl.js'));
  const stdout = new FakeTty();
  const stdin = new FakeTty();
  const io = {
    cwd: tmpdir(),
    env: { NO_COLOR: '1' },
    stdin,
    stdout,
    stderr: stdout,
    onInterrupt: () => () => undefined,
  };
  const done = replCommand(io);
  while (!stdout.text.includes(PROMPT)) await new Promise((r) => stdout.once('written', r));
  const ms = performance.now() - start;
  // ink drains stdin with read() until null: hand it one line, once.
  let pending = '/quit\r';
  stdin.read = () => {
    const chunk = pending;
    pending = null;
    return chunk;
  };
  stdin.emit('readable');
  await done;
  return ms;
}

const hasTmux = process.env.BENCH_PTYLESS === undefined && spawnSync('tmux', ['-V']).status === 0;
const samples = [];
if (hasTmux) for (let i = 0; i < runs; i++) samples.push(await viaTmux(i));
else samples.push(await ptyless());
samples.sort((a, b) => a - b);
const median = samples[Math.floor(samples.length / 2)];
console.error(
  `repl-first-frame: ${hasTmux ? 'tmux' : 'pty-less render'}, samples ${samples.map((s) => s.toFixed(0)).join(', ')} ms`,
);
console.log(JSON.stringify({ metric: 'repl_first_frame_ms', value: Math.round(median) }));
