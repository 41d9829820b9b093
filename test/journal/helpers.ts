import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import ts from 'typescript';
import { afterEach } from 'vitest';
import { JournalWriter } from '../../src/journal/journal-file.js';

const created: string[] = [];

afterEach(async () => {
  await Promise.all(created.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A fresh temporary directory, removed after the current test. */
export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'agentctl-journal-'));
  created.push(dir);
  return dir;
}

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const fixtures = join(repoRoot, 'test', 'journal', 'fixtures');

/**
 * Transpiles src/errors.ts and src/journal/ into `outDir` as plain JavaScript, so child processes
 * run the code under test with bare node and start in a tenth of a second.
 */
export async function transpileJournal(outDir: string): Promise<void> {
  const journal = (await readdir(join(repoRoot, 'src', 'journal'))).filter((f) => f.endsWith('.ts'));
  for (const file of ['errors.ts', ...journal.map((f) => join('journal', f))]) {
    const source = await readFile(join(repoRoot, 'src', file), 'utf8');
    const { outputText } = ts.transpileModule(source, {
      fileName: file,
      compilerOptions: {
        module: ts.ModuleKind.ESNext,
        target: ts.ScriptTarget.ES2022,
        verbatimModuleSyntax: true,
      },
    });
    const out = join(outDir, 'src', file.replace(/\.ts$/, '.js'));
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, outputText);
  }
  // Lets the transpiled code resolve zod from the project.
  await symlink(join(repoRoot, 'node_modules'), join(outDir, 'node_modules'), 'dir');
}

/** Starts `node fixtures/<script> ...args`; read its stdout line by line with `nextLine`. */
export function spawnFixture(script: string, args: string[]) {
  const child = execa('node', [join(fixtures, script), ...args], { stdin: 'pipe', reject: false });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const nextLine = async (): Promise<string> => {
    const next = await lines.next();
    if (next.done === true) throw new Error(`${script} ended early: ${(await child).stderr}`);
    return next.value;
  };
  return { child, nextLine };
}

/** Writes `count` events with varied, partly non-ASCII payloads and returns the journal's path. */
export async function writeSampleJournal(dir: string, count: number): Promise<string> {
  const file = join(dir, 'journal.jsonl');
  const { writer } = await JournalWriter.open(file);
  for (let i = 0; i < count; i += 1) {
    await writer.append({
      type: i % 2 === 0 ? 'model.reply' : 'tool.result',
      phase: i < 3 ? 'red' : 'green',
      ...(i % 3 === 0 ? { opKey: `op-${i}` } : {}),
      payload: { i, text: `événement ${i} ✓ 日本`, nested: { list: [i, null, true], b: 'x', a: 'y' } },
    });
  }
  await writer.close();
  return file;
}
