// Which Portico code is measured. Other engineers edit the working tree while a bench runs, so by
// default Portico runs from a snapshot of the committed HEAD (git archive), and the report names
// the commit; --from-worktree measures the working tree as it is.
import { spawnSync } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';

export interface PorticoSource {
  /** Directory Portico is started from (its cwd). */
  root: string;
  /** For the report: "commit <sha>" or "working tree …". */
  description: string;
}

function git(repoRoot: string, args: string[]): string {
  const result = spawnSync('git', ['-C', repoRoot, ...args], { encoding: 'utf8', timeout: 30_000 });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${result.stderr.trim()}`);
  return result.stdout.trim();
}

export function workingTreeSource(repoRoot: string): PorticoSource {
  let head = 'unknown commit';
  try {
    head = `${git(repoRoot, ['rev-parse', '--short=12', 'HEAD'])}${git(repoRoot, ['status', '--porcelain', 'src']) === '' ? '' : ' + uncommitted changes'}`;
  } catch {
    // Not a git checkout: the working tree is all there is.
  }
  return { root: repoRoot, description: `working tree (${head})` };
}

/** Extracts HEAD into `dir` and links the checkout's node_modules into it. */
export function snapshotHead(repoRoot: string, dir: string): PorticoSource {
  const commit = git(repoRoot, ['rev-parse', 'HEAD']);
  mkdirSync(dir, { recursive: true });
  const archive = spawnSync('sh', ['-c', 'git -C "$1" archive --format=tar "$2" | tar -x -C "$3"', 'sh', repoRoot, commit, dir], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (archive.status !== 0) throw new Error(`could not extract ${commit} into ${dir}: ${archive.stderr.trim()}`);
  symlinkSync(join(repoRoot, 'node_modules'), join(dir, 'node_modules'), 'dir');
  const subject = git(repoRoot, ['log', '-1', '--format=%s', commit]);
  return { root: dir, description: `commit ${commit.slice(0, 12)} (“${subject.slice(0, 80)}”)` };
}
