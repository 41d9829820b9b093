import { pytestAdapter } from '../adapters/pytest.js';
import { globOrFolder } from './project.js';
import { iniSection, tomlTable, words } from './text-config.js';
import type { ProjectFacts, RepoView, RunnerProfile } from './types.js';

const DEFAULT_FILES = ['test_*.py', '*_test.py'];

/** Where pytest reads its ini options, in pytest's own order of precedence. */
const SOURCES: Array<{ file: string; section: string; label: string; toml?: true }> = [
  { file: 'pytest.ini', section: 'pytest', label: 'pytest.ini' },
  {
    file: 'pyproject.toml',
    section: 'tool.pytest.ini_options',
    label: 'pyproject.toml [tool.pytest.ini_options]',
    toml: true,
  },
  { file: 'pyproject.toml', section: 'tool.pytest', label: 'pyproject.toml [tool.pytest]', toml: true },
  { file: 'tox.ini', section: 'pytest', label: 'tox.ini [pytest]' },
  { file: 'setup.cfg', section: 'tool:pytest', label: 'setup.cfg [tool:pytest]' },
];

type Options = Record<string, string[]>;

/** pytest's ini options from the first file that has a pytest section; null when none does. */
async function pytestOptions(read: RepoView['read']): Promise<{ options: Options; where: string } | null> {
  for (const source of SOURCES) {
    const text = await read(source.file);
    if (text === null) continue;
    if (source.toml === true) {
      const table = tomlTable(text, source.section);
      if (table === null) continue;
      const options: Options = {};
      for (const [k, v] of Object.entries(table)) options[k] = Array.isArray(v) ? v : words(v);
      return { options, where: source.label };
    }
    const section = iniSection(text, source.section);
    if (section === null) continue;
    const options: Options = {};
    for (const [k, v] of Object.entries(section)) options[k] = words(v);
    return { options, where: source.label };
  }
  return null;
}

const PY_TEST_FILE = /(?:^|\/)(?:test_[^/]*|[^/]*_test)\.py$/;

async function detect(project: ProjectFacts): Promise<{ strength: 1 | 2 | 3; why: string } | null> {
  if (/\bpytest\b/.test(project.pkg?.scripts?.test ?? ''))
    return { strength: 3, why: 'package.json "test" script runs pytest' };
  const found = await pytestOptions(project.read);
  if (found !== null) return { strength: 2, why: `${found.where} configures pytest` };
  if (project.files.includes('conftest.py')) return { strength: 2, why: 'conftest.py configures pytest' };
  const testFile = project.files.find((f) => PY_TEST_FILE.test(f));
  return testFile === undefined ? null : { strength: 1, why: `pytest-style test file ${testFile}` };
}

/** pytest: `testpaths` and `python_files` from pytest.ini, pyproject.toml, tox.ini or setup.cfg. */
export const pytestProfile: RunnerProfile = {
  runner: 'pytest',
  detect,
  defaultCommand: ['python3', '-m', 'pytest', '-q'],
  defaultTests: DEFAULT_FILES.map((f) => `**/${f}`),
  configFiles: ['**/pytest.ini', '**/conftest.py', '**/tox.ini', '**/setup.cfg'],
  packageKeys: [],
  async layout(repo) {
    const found = await pytestOptions(repo.read);
    if (found === null)
      return {
        tests: DEFAULT_FILES.map((f) => `**/${f}`),
        namedFiles: [],
        source: "pytest's default python_files",
      };
    const files = found.options.python_files ?? DEFAULT_FILES;
    const roots = (found.options.testpaths ?? []).map(globOrFolder).map((g) => g.replace(/\/\*\*$/, ''));
    const tests =
      roots.length === 0
        ? files.map((f) => `**/${f}`)
        : roots.flatMap((r) => files.map((f) => `${r}/**/${f}`));
    return { tests, namedFiles: [], source: `testpaths and python_files in ${found.where}` };
  },
  caches: ['.pytest_cache', '__pycache__'],
  adapter: pytestAdapter,
};
