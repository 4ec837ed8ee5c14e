import { pino } from 'pino';
import { afterEach } from 'vitest';
import type { Launcher } from '../../src/launcher.js';
import { startWebServer, type WebServer } from '../../src/web/server.js';

/** A response as the tests look at it. */
export interface Fetched {
  status: number;
  contentType: string | null;
  headers: Headers;
  body: string;
}

/** Starts web servers on free loopback ports for the calling test file; each is closed after its test. */
export function useWebServers(): (launcher: Launcher) => Promise<WebServer> {
  const servers: WebServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  return async (launcher) => {
    const server = await startWebServer(launcher, { port: 0, host: '127.0.0.1', logger: pino({ level: 'silent' }) });
    servers.push(server);
    return server;
  };
}

/** GETs `path` of `server`, with an `Accept` header when given. */
export async function get(server: WebServer, path: string, accept?: string): Promise<Fetched> {
  const response = await fetch(new URL(path, server.url), { headers: accept ? { accept } : {} });
  return { status: response.status, contentType: response.headers.get('content-type'), headers: response.headers, body: await response.text() };
}

/** GETs `path` as JSON (`Accept: application/json`) and parses it. */
export async function getJson<T = unknown>(server: WebServer, path: string): Promise<T> {
  const response = await get(server, path, 'application/json');
  if (response.status !== 200) throw new Error(`GET ${path}: ${response.status} ${response.body}`);
  return JSON.parse(response.body) as T;
}
