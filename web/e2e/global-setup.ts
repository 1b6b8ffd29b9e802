// Starts, once per run, what the browser tests talk to: the Ferry binary built
// from this checkout (with the console as committed in web/dist), a throwaway
// PostgreSQL database and a throwaway Redis. Everything is stopped and dropped
// at the end, also when start-up fails half way or the run is interrupted.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    ferryURL: string;
    adminToken: string;
  }
}

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const pgURL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable';

export async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => ok(port));
    });
  });
}

function databaseURL(name: string): string {
  const u = new URL(pgURL);
  u.pathname = `/${name}`;
  return u.toString();
}

function psql(sql: string) {
  execFileSync('psql', [pgURL, '-v', 'ON_ERROR_STOP=1', '-q', '-c', sql], { stdio: ['ignore', 'ignore', 'pipe'] });
}

async function until(what: string, ok: () => Promise<boolean>, timeoutMs: number, diagnose: () => string) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await ok().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`e2e: ${what} within ${timeoutMs / 1000} s\n${diagnose()}`);
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

async function stop(child: ChildProcess | undefined, signal: NodeJS.Signals = 'SIGTERM') {
  if (!child || exited(child)) return;
  const gone = new Promise((r) => child.once('exit', r));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await gone;
  clearTimeout(timer);
}

export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-e2e-'));
  const dbName = `ferry_e2e_${Date.now()}_${randomBytes(3).toString('hex')}`;
  // Kept after the run (not committed): the first place to look when a test fails.
  const outDir = join(repoRoot, 'web/e2e/.out');
  mkdirSync(outDir, { recursive: true });
  const logPath = join(outDir, 'ferry.log');
  let redis: ChildProcess | undefined;
  let ferry: ChildProcess | undefined;
  let dbCreated = false;
  let cleaned = false;

  // Synchronous, so that it also runs from process 'exit' (Ctrl-C, a crash).
  const cleanupSync = () => {
    if (cleaned) return;
    cleaned = true;
    for (const c of [ferry, redis]) if (c && !exited(c)) c.kill('SIGKILL');
    if (dbCreated) {
      try {
        psql(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
      } catch (e) {
        console.error(`e2e: could not drop database ${dbName}:`, e);
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', cleanupSync);

  const teardown = async () => {
    // Graceful first, so Ferry closes its connections before the drop.
    await stop(ferry);
    await stop(redis);
    cleanupSync();
    process.removeListener('exit', cleanupSync);
  };

  try {
    const bin = join(dir, 'ferry');
    const started = Date.now();
    execFileSync('go', ['build', '-o', bin, '.'], { cwd: repoRoot, stdio: ['ignore', 'inherit', 'inherit'] });
    console.log(`e2e: built ferry in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    psql(`CREATE DATABASE "${dbName}"`);
    dbCreated = true;

    const redisPort = await freePort();
    redis = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });

    const port = await freePort();
    const ferryURL = `http://127.0.0.1:${port}`;
    const adminToken = randomBytes(32).toString('hex');
    const log = openSync(logPath, 'w');
    ferry = spawn(bin, ['serve'], {
      cwd: dir,
      stdio: ['ignore', log, log],
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        DATABASE_URL: databaseURL(dbName),
        REDIS_URL: `redis://127.0.0.1:${redisPort}/0`,
        PORT: String(port),
        FERRY_ADMIN_TOKEN: adminToken,
        FERRY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
        FERRY_PUBLIC_URL: ferryURL,
        FERRY_ALLOWED_ORIGINS: ferryURL,
        // The receiver is a server in the test process on 127.0.0.1, which
        // the SSRF guard refuses unless this is on (as in Go's apptest).
        FERRY_ALLOW_INSECURE_URLS: 'true',
        FERRY_LOG_FORMAT: 'text',
        FERRY_SHUTDOWN_TIMEOUT: '5s',
      },
    });
    closeSync(log);

    const tail = () => {
      try {
        return readFileSync(logPath, 'utf8').split('\n').slice(-40).join('\n');
      } catch {
        return '(no log)';
      }
    };
    await until(
      'Ferry answered /readyz',
      async () => {
        if (exited(ferry!)) throw new Error('ferry exited');
        return (await fetch(`${ferryURL}/readyz`)).ok;
      },
      60_000,
      tail,
    );

    // The catalog is global: the tests' event types are made once.
    for (const name of ['ORDER_PAID', 'ORDER_REFUNDED']) {
      const res = await fetch(`${ferryURL}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
        body: JSON.stringify({
          query: 'mutation($in: CreateEventTypeInput!) { createEventType(input: $in) { id } }',
          variables: { in: { name, description: `e2e ${name}` } },
        }),
      });
      const body = (await res.json()) as { errors?: unknown };
      if (body.errors) throw new Error(`e2e: createEventType ${name}: ${JSON.stringify(body.errors)}`);
    }

    console.log(`e2e: ferry at ${ferryURL}, database ${dbName}, log ${logPath}`);
    project.provide('ferryURL', ferryURL);
    project.provide('adminToken', adminToken);
  } catch (e) {
    await teardown();
    throw e;
  }
  return teardown;
}
