/**
 * A lean keep-alive HTTP client: the load generator shares the server's cores, so it should cost
 * as little as possible per request (node:http, no fetch machinery).
 */
import http from 'node:http';

export interface BenchResponse<T = unknown> {
  status: number;
  body: T;
  setCookie: string[];
}

export class BenchClient {
  private readonly agent: http.Agent;
  private readonly url: URL;
  /** Sent as the Cookie header when set. */
  cookie: string | undefined;

  constructor(baseUrl: string, maxSockets: number) {
    this.url = new URL(baseUrl);
    this.agent = new http.Agent({ keepAlive: true, maxSockets });
  }

  request<T = unknown>(method: string, path: string, body?: unknown): Promise<BenchResponse<T>> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const headers: http.OutgoingHttpHeaders = { accept: 'application/json' };
    if (payload) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = payload.length;
    }
    if (this.cookie) headers.cookie = this.cookie;
    return new Promise((resolve, reject) => {
      const request = http.request(
        { host: this.url.hostname, port: this.url.port, method, path, headers, agent: this.agent },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', reject);
          response.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = text;
            if ((response.headers['content-type'] ?? '').includes('json') && text !== '') parsed = JSON.parse(text);
            resolve({ status: response.statusCode ?? 0, body: parsed as T, setCookie: response.headers['set-cookie'] ?? [] });
          });
        },
      );
      request.on('error', reject);
      request.end(payload);
    });
  }

  /** Signs in as staff and keeps the session cookie for the requests that follow. */
  async signIn(email: string, password: string): Promise<void> {
    const result = await this.request('POST', '/api/v1/auth/login', { email, password });
    if (result.status !== 200) throw new Error(`sign-in failed: ${result.status} ${JSON.stringify(result.body)}`);
    const pair = result.setCookie.map((line) => line.split(';')[0]!).find((value) => value.startsWith('candor_staff='));
    if (!pair) throw new Error('sign-in answered 200 without a candor_staff cookie');
    this.cookie = pair;
  }

  close(): void {
    this.agent.destroy();
  }
}
