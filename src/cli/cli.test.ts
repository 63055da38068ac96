import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KONG_VERSION, PORTICO_VERSION } from '../core/version.ts';
import { runCliProcess } from './cli-test-support.ts';

const dir = mkdtempSync(join(tmpdir(), 'portico-cli-'));
const cli = (args: string[], env?: Record<string, string>) => runCliProcess(args, { cwd: dir, env });

/** A usage/operator error: exit 1, exactly one `Error:` line on stderr, nothing on stdout, no stack. */
function assertOneLineError(result: { code: number | null; stdout: string; stderr: string }, message: string): void {
  assert.equal(result.code, 1);
  assert.equal(result.stdout, '');
  assert.equal(result.stderr, `Error: ${message}\n`);
}

// Every case uses its own files, so they run concurrently (each spawns a few CLI processes).
describe('portico CLI', { concurrency: true }, () => {
  test('version prints Portico and Kong versions; -a adds the runtime and dependencies', async () => {
    const plain = await cli(['version']);
    assert.equal(plain.code, 0);
    assert.equal(plain.stdout, `Portico ${PORTICO_VERSION} (Kong ${KONG_VERSION} compatible)\n`);
    const all = await cli(['version', '--all']);
    assert.equal(all.code, 0);
    assert.match(all.stdout, new RegExp(`^Portico: ${PORTICO_VERSION}\nKong compatibility: ${KONG_VERSION}\nNode.js: 24\\.`));
    assert.match(all.stdout, /^undici: \d+\.\d+\.\d+$/m);
    assert.match(all.stdout, /^yaml: \d+\.\d+\.\d+$/m);
  });

  test('--help on the CLI, every command and the config group', async () => {
    const main = await cli(['--help']);
    assert.equal(main.code, 0);
    const names = ['start', 'stop', 'quit', 'restart', 'reload', 'health', 'check', 'config init', 'config parse', 'version'];
    const helps = await Promise.all(names.map((name) => cli([...name.split(' '), '--help'])));
    names.forEach((name, index) => {
      assert.match(main.stdout, new RegExp(`^  ${name} `, 'm'));
      assert.equal(helps[index]!.code, 0, name);
      assert.match(helps[index]!.stdout, new RegExp(`^Usage: portico ${name} \\[OPTIONS\\]`), name);
    });
    const start = await cli(['start', '-h']);
    assert.match(start.stdout, /-c,--conf/);
    assert.match(start.stdout, /-p,--prefix/);
    const group = await cli(['config']);
    assert.equal(group.code, 0);
    assert.match(group.stdout, /^Usage: portico config COMMAND/);
  });

  test('unknown command, subcommand, flag and extra arguments are one-line errors with exit 1', async () => {
    assertOneLineError(await cli(['frobnicate']), "no such command: 'frobnicate' (see 'portico --help')");
    assertOneLineError(await cli(['config', 'nope']), "no such command: 'config nope' (see 'portico config --help')");
    assertOneLineError(await cli(['start', '--bogus']), "unknown option '--bogus' for 'portico start' (see 'portico start --help')");
    assertOneLineError(await cli(['--bogus']), "unknown option '--bogus' (see 'portico --help')");
    assertOneLineError(await cli(['version', 'extra']), "unexpected argument 'extra' for 'portico version' (Usage: portico version [OPTIONS])");
    assertOneLineError(await cli(['config', 'parse']), "missing argument <file> for 'portico config parse' (Usage: portico config parse [OPTIONS] <file>)");
    assertOneLineError(await cli(['start', '-c']), "option '-c, --conf <value>' of 'portico start' needs a value");
  });

  test('check: a valid file, a missing file, bad values, unknown properties and env overrides', async () => {
    const good = join(dir, 'good.conf');
    writeFileSync(good, 'log_level = info # trailing\nproxy_listen = 127.0.0.1:0\n');
    const valid = await cli(['check', good]);
    assert.equal(valid.code, 0);
    assert.equal(valid.stdout, `configuration at ${good} is valid\n`);

    assertOneLineError(await cli(['check', join(dir, 'absent.conf')]), `no file at: ${join(dir, 'absent.conf')}`);

    const bad = join(dir, 'bad.conf');
    writeFileSync(bad, 'proxy_listen = 0.0.0.0:80000\n');
    assertOneLineError(await cli(['check', bad]), "invalid value for 'proxy_listen': '0.0.0.0:80000' has an invalid port (expected 0-65535)");

    const typo = join(dir, 'typo.conf');
    writeFileSync(typo, 'proxi_listen = 0.0.0.0:8000\n');
    assertOneLineError(await cli(['check', typo]), `unknown property 'proxi_listen' in ${typo}`);

    const verbose = await cli(['check', good, '--vv'], { KONG_PG_PASSWORD: 'hunter2' });
    assert.equal(verbose.code, 0);
    assert.match(verbose.stderr, new RegExp(`^\\[verbose\\] reading config file at ${good}\n\\[verbose\\] prefix in use: ${join(dir, 'servroot')}\n`));
    assert.match(verbose.stderr, /^\[debug\] log_level = info$/m);
    assert.match(verbose.stderr, /^\[debug\] pg_password = \*\*\*\*\*\*$/m);
    assert.doesNotMatch(verbose.stderr, /hunter2/);

    assertOneLineError(await cli(['check', good], { KONG_DATABASE: 'mysql' }),
      "invalid value for 'database': 'mysql' is not one of off, sqlite, postgres");
  });

  test('config init writes a kong.yml template and refuses to overwrite', async () => {
    const initDir = mkdtempSync(join(tmpdir(), 'portico-init-'));
    const first = await runCliProcess(['config', 'init'], { cwd: initDir });
    const path = join(initDir, 'kong.yml');
    assert.equal(first.code, 0);
    assert.equal(first.stdout, `Created ${path}\n`);
    const text = readFileSync(path, 'utf8');
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.match(text, /^_format_version: "3\.0"$/m);
    assert.match(text, /^# services:$/m);

    writeFileSync(path, 'mine');
    const second = await runCliProcess(['config', 'init'], { cwd: initDir });
    assertOneLineError(second, `${path} already exists; not overwriting it`);
    assert.equal(readFileSync(path, 'utf8'), 'mine');

    const custom = join(initDir, 'custom.yaml');
    const third = await runCliProcess(['config', 'init', custom], { cwd: initDir });
    assert.equal(third.code, 0);
    assert.ok(existsSync(custom));
  });

  test('config parse: a missing file is a one-line error', async () => {
    assertOneLineError(await cli(['config', 'parse', join(dir, 'nope.yml')]), `no file at: ${join(dir, 'nope.yml')}`);
  });

  test('config parse: the config init template and a valid file parse; an invalid one reports every error', async () => {
    const template = join(dir, 'template.yml');
    assert.equal((await cli(['config', 'init', template])).code, 0);
    const parsedTemplate = await cli(['config', 'parse', template]);
    assert.equal(parsedTemplate.stdout, 'parse successful\n');
    assert.equal(parsedTemplate.code, 0);

    const valid = join(dir, 'valid.yml');
    writeFileSync(valid, '_format_version: "3.0"\nservices:\n  - name: a\n    url: http://example.test\n    routes:\n      - name: r\n        paths: [/a]\n');
    const ok = await cli(['config', 'parse', valid]);
    assert.equal(ok.code, 0);
    assert.equal(ok.stdout, 'parse successful\n');

    const invalid = join(dir, 'invalid.yml');
    writeFileSync(invalid, '_format_version: "3.0"\nservices:\n  - name: a\n    port: 99999\n  - name: b\n    host: example.test\n    protocol: gopher\n');
    const failed = await cli(['config', 'parse', invalid]);
    assert.equal(failed.code, 1);
    assert.equal(failed.stdout, '');
    assert.match(failed.stderr, new RegExp(`^Error: Failed parsing ${invalid}:\n`));
    assert.match(failed.stderr, /^  services\[0\]\.port: value should be between 0 and 65535$/m);
    assert.match(failed.stderr, /^  services\[1\]\.protocol: expected one of: /m);
    assert.doesNotMatch(failed.stderr, /\n\s+at /);
  });
});

test('start refuses to run with --insecure-http-parser', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'portico-insecure-'));
  const result = await runCliProcess(['start', '-p', join(dir, 'servroot')], { cwd: dir, env: { NODE_OPTIONS: '--insecure-http-parser' } });
  assert.equal(result.code, 1);
  assert.equal(result.stderr, 'Error: refusing to start with --insecure-http-parser (in NODE_OPTIONS or the node flags): it allows request smuggling\n');
  assert.ok(!existsSync(join(dir, 'servroot')), 'nothing was prepared');
});
