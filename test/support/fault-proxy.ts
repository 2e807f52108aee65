import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * What the proxy does with one request: pass it on, pass it on and then cut the connection before the answer
 * reaches the client (the server acted, the client cannot know), answer with a status itself, or never answer.
 */
export type FaultAction = 'forward' | 'drop-answer' | 'hang' | { status: number; body?: unknown };

/** A request as the proxy saw it. */
export interface SeenRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly action: FaultAction;
}

/**
 * An HTTP proxy on loopback in front of a real server, injecting the network faults that a healthy local server
 * cannot be made to produce on demand (lost answers, hangs, 429/5xx). With no upstream, it only records and answers.
 */
export interface FaultProxy {
  readonly url: string;
  readonly seen: SeenRequest[];
  /** Decides each request's fate; the default forwards everything. */
  decide: (method: string, path: string, nth: number) => FaultAction;
  close(): Promise<void>;
}

export async function startFaultProxy(upstream?: string): Promise<FaultProxy> {
  const counts = new Map<string, number>();
  const proxy: FaultProxy = { url: '', seen: [], decide: () => 'forward', close: async () => {} };
  const server: Server = createServer((req, res) => {
    const path = req.url ?? '/';
    const key = `${req.method} ${path.split('?')[0]}`;
    const nth = (counts.get(key) ?? 0) + 1;
    counts.set(key, nth);
    const action = proxy.decide(req.method ?? 'GET', path.split('?')[0], nth);
    proxy.seen.push({ method: req.method ?? 'GET', path, headers: req.headers, action });
    if (action === 'hang') return void req.resume();
    if (typeof action === 'object') {
      req.resume();
      res.writeHead(action.status, { 'Content-Type': 'application/json' }).end(JSON.stringify(action.body ?? {}));
      return;
    }
    if (!upstream) {
      req.resume();
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
      return;
    }
    forward(upstream, req, res, action === 'drop-answer');
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(proxy, {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

function forward(upstream: string, req: IncomingMessage, res: ServerResponse, dropAnswer: boolean): void {
  const target = new URL(req.url ?? '/', upstream);
  const out = httpRequest(target, { method: req.method, headers: { ...req.headers, host: target.host } }, (answer) => {
    if (dropAnswer) {
      // The upstream has acted on the request; the client sees its connection reset instead of the answer.
      answer.resume();
      answer.on('end', () => req.socket.destroy());
      return;
    }
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(res);
  });
  out.on('error', () => req.socket.destroy());
  req.pipe(out);
}
