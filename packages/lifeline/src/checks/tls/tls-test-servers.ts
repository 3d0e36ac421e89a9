/**
 * Test support for the tls check: real servers on 127.0.0.1 with a chosen certificate, a TCP server that
 * never answers the handshake, a plain-TCP one, and a port nothing listens on. Each test file makes its own
 * set (no module state) and closes it in `afterAll`; every server records whether its accepted connections
 * were closed, so tests can see that the client let go.
 */
import net from 'node:net';
import tls from 'node:tls';

export interface TestServer {
  port: number;
  /** Resolves when every connection accepted so far has closed. */
  connectionsClosed(): Promise<void>;
  /** Common names of client certificates presented to the server (mTLS). */
  clientSubjects: string[];
}

export interface TestServers {
  tls(options: tls.TlsOptions): Promise<TestServer>;
  /** Accepts TCP connections and says nothing, so a TLS handshake never completes. */
  silent(): Promise<TestServer>;
  /** Accepts TCP connections and answers like a plain HTTP server. */
  plain(): Promise<TestServer>;
  closeAll(): Promise<void>;
}

export function createTestServers(): TestServers {
  const running: net.Server[] = [];
  const openSockets = new Set<net.Socket>();

  async function listen(server: net.Server, clientSubjects: string[] = []): Promise<TestServer> {
    const closed: Promise<void>[] = [];
    server.on('connection', (socket: net.Socket) => {
      openSockets.add(socket);
      socket.on('error', () => undefined);
      closed.push(new Promise((resolve) => socket.once('close', () => resolve())));
      socket.once('close', () => openSockets.delete(socket));
    });
    running.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    return { port, clientSubjects, connectionsClosed: async () => void (await Promise.all(closed)) };
  }

  return {
    async tls(options) {
      const clientSubjects: string[] = [];
      const server = tls.createServer(options, (socket) => {
        const subject: unknown = socket.getPeerCertificate().subject?.CN;
        if (typeof subject === 'string') clientSubjects.push(subject);
        socket.end();
      });
      // A client that hangs up mid-handshake is routine here; it must not fail the test process.
      server.on('tlsClientError', () => undefined);
      return listen(server, clientSubjects);
    },
    // Reading (and dropping) the ClientHello lets the server notice when the client hangs up.
    silent: () => listen(net.createServer((socket) => socket.resume())),
    plain: () => listen(net.createServer((socket) => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n'))),
    async closeAll() {
      for (const socket of openSockets) socket.destroy();
      await Promise.all(
        running.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))),
      );
      running.length = 0;
    },
  };
}

/** A port that was free a moment ago; connecting to it is refused. */
export async function refusedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
