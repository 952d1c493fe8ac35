import { spawn, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * `npm start`'s first step (scripts/build-if-stale.mjs), run for real in a scratch project whose
 * `build` script only counts its runs and writes dist/server.js.
 */
describe('npm start builds only when dist/ is stale', () => {
  const build =
    "node -e \"const fs=require('fs');fs.appendFileSync('builds.log','x');fs.mkdirSync('dist',{recursive:true});fs.writeFileSync('dist/server.js','')\"";
  const inputs = [
    'src/main.ts',
    'package.json',
    'tsconfig.json',
    'esbuild.config.mjs',
    'scripts/ascii-source.mjs',
    'node_modules/.package-lock.json',
  ];
  let root: string;

  const builds = (): number => readFileSync(join(root, 'builds.log'), 'utf8').length;
  const prestart = () => {
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.npm_execpath; // as when run outside npm: `npm` from the PATH
    return spawnSync(process.execPath, ['scripts/build-if-stale.mjs'], { cwd: root, env, encoding: 'utf8' });
  };
  const setTime = (path: string, time: Date) => utimesSync(join(root, path), time, time);
  /** Every input (and folder) an hour old, the bundle written now. */
  const settle = () => {
    const old = new Date(Date.now() - 3_600_000);
    for (const path of [...inputs, 'src', 'node_modules']) setTime(path, old);
    setTime('dist/server.js', new Date());
  };
  const inAMinute = () => new Date(Date.now() + 60_000);

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'build-if-stale-'));
    for (const folder of ['scripts', 'src', 'node_modules']) mkdirSync(join(root, folder));
    copyFileSync('scripts/build-if-stale.mjs', join(root, 'scripts/build-if-stale.mjs'));
    for (const path of inputs) writeFileSync(join(root, path), '{}');
    writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'scratch', scripts: { build } }));
    writeFileSync(join(root, 'builds.log'), '');
  });

  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('builds when there is no bundle yet, and not again while no input changed', () => {
    expect(prestart().status).toBe(0);
    expect(builds()).toBe(1);
    settle();
    expect(prestart().status).toBe(0);
    expect(builds()).toBe(1);
  });

  it.each(inputs)('builds again when %s changed after the bundle', (path) => {
    prestart();
    settle();
    setTime(path, inAMinute());
    expect(prestart().status).toBe(0);
    expect(builds()).toBe(2);
  });

  it('builds again when a source file is added', () => {
    prestart();
    settle();
    writeFileSync(join(root, 'src/added.ts'), '');
    setTime('src/added.ts', inAMinute());
    prestart();
    expect(builds()).toBe(2);
  });

  describe('several starts at once', () => {
    /** A build that takes a second, so that the starts overlap. */
    const slowBuild =
      "node -e \"setTimeout(()=>{const fs=require('fs');fs.appendFileSync('builds.log','x');fs.mkdirSync('dist',{recursive:true});fs.writeFileSync('dist/server.js','')},1000)\"";
    const lock = () => join(root, 'dist', '.build.lock');
    const prestartAsync = () =>
      new Promise<{ status: number | null; stderr: string }>((resolve, reject) => {
        const env: NodeJS.ProcessEnv = { ...process.env };
        delete env.npm_execpath;
        const child = spawn(process.execPath, ['scripts/build-if-stale.mjs'], { cwd: root, env });
        let stderr = '';
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        child.on('error', reject);
        child.on('close', (status) => resolve({ status, stderr }));
      });

    beforeEach(() =>
      writeFileSync(
        join(root, 'package.json'),
        JSON.stringify({ name: 'scratch', scripts: { build: slowBuild } }),
      ),
    );

    it('build once: the others wait for it and find dist/ fresh', async () => {
      const starts = await Promise.all([prestartAsync(), prestartAsync(), prestartAsync()]);
      expect(starts.map((start) => start.status)).toEqual([0, 0, 0]);
      expect(builds()).toBe(1);
      expect(starts.filter((start) => start.stderr.includes('waiting for another build')).length).toBe(2);
      expect(existsSync(lock())).toBe(false);
    }, 30_000);

    it('take over the lock of a build that died', () => {
      const dead = spawnSync(process.execPath, ['-e', '']).pid;
      mkdirSync(join(root, 'dist'));
      writeFileSync(lock(), `${dead} abandoned\n`);
      const start = prestart();
      expect(start.status).toBe(0);
      expect(start.stderr).not.toContain('waiting');
      expect(builds()).toBe(1);
      expect(existsSync(lock())).toBe(false);
    });

    it('wait for a live holder, and build once it lets go', async () => {
      mkdirSync(join(root, 'dist'));
      writeFileSync(lock(), `${process.pid} held by the test\n`);
      const start = prestartAsync();
      // Longer than the build takes: without the lock it would have finished by now.
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      expect(builds()).toBe(0);
      rmSync(lock());
      expect((await start).status).toBe(0);
      expect(builds()).toBe(1);
    }, 30_000);
  });

  it('fails when the build fails', () => {
    writeFileSync(
      join(root, 'package.json'),
      JSON.stringify({ name: 'scratch', scripts: { build: 'exit 3' } }),
    );
    expect(prestart().status).toBe(3);
  });
});
