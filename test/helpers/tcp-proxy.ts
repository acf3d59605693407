import net from 'node:net';

/**
 * A TCP proxy in front of a real server (PostgreSQL here), to cut a service's connection to it and
 * give it back: `break()` resets every open connection and refuses new ones (connect: ECONNREFUSED),
 * `restore()` listens again on the same port. The server itself is never touched (it is shared).
 */
export interface TcpProxy {
  port: number;
  /** The same URL with host and port pointing at the proxy. */
  url(target: string): string;
  break(): Promise<void>;
  /** Listens again (nothing to do when it is not broken). */
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpProxy(targetHost: string, targetPort: number): Promise<TcpProxy> {
  const open = new Set<net.Socket>();
  let server: net.Server | null = null;
  let port = 0;

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      if (server) return resolve();
      const s = net.createServer((client) => {
        const upstream = net.connect(targetPort, targetHost);
        open.add(client).add(upstream);
        const drop = () => {
          client.destroy();
          upstream.destroy();
          open.delete(client);
          open.delete(upstream);
        };
        client.on('error', drop).on('close', drop);
        upstream.on('error', drop).on('close', drop);
        client.pipe(upstream).pipe(client);
      });
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => {
        port = (s.address() as net.AddressInfo).port;
        server = s;
        resolve();
      });
    });
  const stop = async () => {
    const s = server;
    server = null;
    for (const sock of open) sock.resetAndDestroy();
    open.clear();
    if (s) await new Promise<void>((r) => s.close(() => r()));
  };

  await listen();
  return {
    get port() {
      return port;
    },
    url(target) {
      const u = new URL(target);
      u.hostname = '127.0.0.1';
      u.port = String(port);
      return u.toString();
    },
    break: stop,
    restore: listen,
    close: stop,
  };
}
