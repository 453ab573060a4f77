// The relay's API (docs/PROTOCOL.md): JSON over fetch, an Idempotency-Key on every POST/PUT,
// errors as {code, message}. Same origin: the app is served by the relay it talks to.

export class RelayError extends Error {
  constructor(public status: number, public code: string, message: string) {
    super(message);
  }
  /** Worth retrying later (offline, the relay restarting); a 4xx will not pass. */
  get retryable(): boolean {
    return this.status === 0 || this.status >= 500 || this.code === "rate_limited";
  }
}

export class Relay {
  constructor(public token: string | null = null) {}

  async call(method: string, path: string, body?: unknown, key?: string,
             signal?: AbortSignal): Promise<any> {
    const headers: Record<string, string> = {};
    if (this.token) headers["Authorization"] = `Bearer ${this.token}`;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (method === "POST" || method === "PUT") headers["Idempotency-Key"] = key ?? crypto.randomUUID();
    let response: Response;
    try {
      response = await fetch(path, {
        method, headers, signal, cache: "no-store", credentials: "omit",
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (exc) {
      if ((exc as Error).name === "AbortError") throw exc;
      throw new RelayError(0, "offline", "The relay cannot be reached.");
    }
    let data: any = null;
    try {
      data = await response.json();
    } catch {
      throw new RelayError(response.status, "bad_response", "The relay sent a malformed answer.");
    }
    if (!response.ok) {
      throw new RelayError(response.status, String(data?.code ?? "error"), String(data?.message ?? ""));
    }
    if (typeof data !== "object" || data === null) {
      throw new RelayError(response.status, "bad_response", "The relay sent a malformed answer.");
    }
    return data;
  }

  /** A chunk's ciphertext up (PUT, application/octet-stream). */
  async putBytes(path: string, data: Uint8Array): Promise<any> {
    return this.raw("PUT", path, data).then((r) => r.json());
  }

  /** A chunk's ciphertext down. */
  async getBytes(path: string): Promise<Uint8Array> {
    return new Uint8Array(await (await this.raw("GET", path)).arrayBuffer());
  }

  private async raw(method: string, path: string, body?: Uint8Array): Promise<Response> {
    const headers: Record<string, string> = {};
    if (this.token) headers["Authorization"] = `Bearer ${this.token}`;
    if (body) {
      headers["Content-Type"] = "application/octet-stream";
      headers["Idempotency-Key"] = crypto.randomUUID();
    }
    let response: Response;
    try {
      response = await fetch(path, { method, headers, body: body as BodyInit | undefined,
                                     cache: "no-store", credentials: "omit" });
    } catch {
      throw new RelayError(0, "offline", "The relay cannot be reached.");
    }
    if (!response.ok) {
      const data = await response.json().catch(() => ({}));
      throw new RelayError(response.status, String(data?.code ?? "error"), String(data?.message ?? ""));
    }
    return response;
  }

  get(path: string, signal?: AbortSignal) {
    return this.call("GET", path, undefined, undefined, signal);
  }
  post(path: string, body: unknown, key?: string) {
    return this.call("POST", path, body, key);
  }
  put(path: string, body: unknown, key?: string) {
    return this.call("PUT", path, body, key);
  }
}
