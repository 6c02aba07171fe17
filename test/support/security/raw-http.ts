// A minimal HTTP/1.1 client over a keep-alive agent that sends exactly what it is given (any method Node accepts,
// any path, raw body bytes, chunked or with a length): fetch would normalize or refuse part of it.
import { Agent, type IncomingHttpHeaders, request } from 'node:http';

export interface RawRequest {
  method: string;
  /** Path and query, already percent-encoded as wanted on the wire. */
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** Send the body with `Transfer-Encoding: chunked` instead of a Content-Length. */
  chunked?: boolean;
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export class RawHttpError extends Error {
  override name = 'RawHttpError';
}

export function keepAliveAgent(maxSockets: number): Agent {
  return new Agent({ keepAlive: true, maxSockets });
}

export function sendRaw(
  baseUrl: string,
  agent: Agent,
  raw: RawRequest,
  timeoutMs = 30_000,
): Promise<RawResponse> {
  const url = new URL(baseUrl);
  const headers: Record<string, string> = { ...raw.headers };
  if (raw.body && !raw.chunked) headers['content-length'] = String(raw.body.length);
  return new Promise((resolve, reject) => {
    const req = request(
      { agent, host: url.hostname, port: url.port, method: raw.method, path: raw.path, headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on('error', reject);
      },
    );
    req.setTimeout(timeoutMs, () =>
      req.destroy(new RawHttpError(`${raw.method} ${raw.path.slice(0, 80)}: no answer in ${timeoutMs} ms`)),
    );
    req.on('error', reject);
    if (raw.body && raw.body.length > 0) {
      const middle = Math.floor(raw.body.length / 2);
      if (raw.chunked && middle > 0) {
        // Two chunks, so that the server really has to reassemble the body.
        req.write(raw.body.subarray(0, middle));
        req.write(raw.body.subarray(middle));
      } else req.write(raw.body);
    }
    req.end();
  });
}
