import { describe, expect, it } from 'vitest';
import { shellWrites } from '../../src/guard/shell-scan.js';

const paths = (command: string) => shellWrites(command).map((w) => w.path);

describe('shellWrites: the paths a reported shell command would change', () => {
  it.each([
    ['echo x > test/a.test.js', ['test/a.test.js']],
    ['echo x >> "test/a b.test.js"', ['test/a b.test.js']],
    ['npm test 2>&1 | tee log.txt', ['log.txt']],
    ['npm test > /dev/null 2>&1', ['/dev/null']],
    ["sed -i 's/a/b/' test/a.test.js src/b.js", ['test/a.test.js', 'src/b.js']],
    ["sed -i.bak -e 's/a/b/' test/a.test.js", ['test/a.test.js']],
    ["perl -pi -e 's/a/b/' test/a.test.js", ['test/a.test.js']],
    ['rm -f test/a.test.js && touch src/x.js', ['test/a.test.js', 'src/x.js']],
    ['mv test/a.test.js /tmp/a', ['test/a.test.js', '/tmp/a']],
    ['cp /tmp/a test/a.test.js', ['test/a.test.js']],
    ['git checkout HEAD -- test/a.test.js', ['test/a.test.js']],
    ['git checkout .', ['.']],
    ['git stash', ['.']],
    ['git reset --hard', ['.']],
    ['cd src; FOO=1 sudo rm -rf test', ['test']],
    ['cat > test/a.test.js <<EOF\nx\nEOF', ['test/a.test.js']],
  ])('%s', (command, expected) => {
    expect(paths(command)).toEqual(expected);
  });

  it.each([
    'npm test',
    'git status',
    'sed s/a/b/ test/a.test.js',
    'cat test/a.test.js | grep x',
    'git reset HEAD~1',
  ])('reads only: %s', (command) => {
    expect(paths(command)).toEqual([]);
  });

  it('marks globs', () => {
    expect(shellWrites('rm test/*.test.js')).toEqual([{ path: 'test/*.test.js', glob: true, why: 'rm' }]);
  });
});
