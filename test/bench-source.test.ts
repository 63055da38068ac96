import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { snapshotHead, workingTreeSource } from '../bench/source.ts';

const dir = mkdtempSync(join(tmpdir(), 'portico-bench-source-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function git(repo: string, ...args: string[]): string {
  const result = spawnSync('git', ['-C', repo, '-c', 'user.name=bench', '-c', 'user.email=bench@example.test', ...args], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout.trim();
}

test('snapshotHead extracts the committed files only, links node_modules and names the commit', () => {
  const repo = join(dir, 'repo');
  mkdirSync(join(repo, 'src'), { recursive: true });
  mkdirSync(join(repo, 'node_modules'));
  git(repo, 'init', '-q');
  writeFileSync(join(repo, 'src', 'main.ts'), 'committed\n');
  git(repo, 'add', 'src');
  git(repo, 'commit', '-q', '-m', 'first version');
  writeFileSync(join(repo, 'src', 'main.ts'), 'edited, not committed\n');
  writeFileSync(join(repo, 'src', 'new.ts'), 'untracked\n');

  const source = snapshotHead(repo, join(dir, 'snapshot'));
  assert.equal(readFileSync(join(source.root, 'src', 'main.ts'), 'utf8'), 'committed\n');
  assert.equal(existsSync(join(source.root, 'src', 'new.ts')), false);
  assert.equal(realpathSync(join(source.root, 'node_modules')), realpathSync(join(repo, 'node_modules')));
  const head = git(repo, 'rev-parse', 'HEAD');
  assert.equal(source.description, `commit ${head.slice(0, 12)} (“first version”)`);

  const worktree = workingTreeSource(repo);
  assert.equal(worktree.root, repo);
  assert.equal(worktree.description, `working tree (${head.slice(0, 12)} + uncommitted changes)`);
});

test('snapshotHead fails clearly outside a git checkout', () => {
  const plain = join(dir, 'plain');
  mkdirSync(plain);
  assert.throws(() => snapshotHead(plain, join(dir, 'nowhere')), /git rev-parse HEAD failed/);
});
