// A small typed fetch wrapper over the generated types of schema.d.ts
// (openapi-typescript, from openapi.json: run scripts/clients.sh --write
// after changing the API). Every path, method, parameter, body and answer
// is checked by the compiler; errors come back as RFC 9457 problems.
import type { components, paths } from "./schema";

export type { components, paths };
export type Problem = components["schemas"]["Problem"];

type Method = "get" | "put" | "post" | "delete" | "patch";

/** The paths that have an operation for method M. */
export type PathsWith<M extends Method> = {
  [P in keyof paths]: paths[P][M] extends { responses: unknown } ? P : never;
}[keyof paths];

type Operation<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>;

type Params<O> = O extends { parameters: infer R } ? R : never;
type PathParams<O> = Params<O> extends { path?: infer X } ? ([X] extends [never] ? undefined : X) : undefined;
type QueryParams<O> = Params<O> extends { query?: infer X } ? ([X] extends [never] ? undefined : X) : undefined;
type Body<O> = O extends { requestBody?: infer RB }
  ? [NonNullable<RB>] extends [never]
    ? undefined
    : NonNullable<RB> extends { content: { "application/json": infer B } }
      ? B
      : undefined
  : undefined;

type Success = 200 | 201 | 202 | 204;
// JSON answers are parsed; files (PDF, CSV, …) come back as a Blob.
type JSONOf<R> = R extends { content: { "application/json": infer J } } ? J : R extends { content: object } ? Blob : undefined;
/** The body of a successful answer of operation O (any 2xx it documents). */
export type Data<O> = O extends { responses: infer R } ? { [S in keyof R & Success]: JSONOf<R[S]> }[keyof R & Success] : never;

/** What a request sends: its path and query parameters, its JSON body, extra headers. */
export type RequestOptions<P extends keyof paths, M extends Method> = {
  headers?: Record<string, string>;
  signal?: AbortSignal;
} & (PathParams<Operation<P, M>> extends undefined ? { path?: undefined } : { path: PathParams<Operation<P, M>> }) &
  (QueryParams<Operation<P, M>> extends undefined ? { query?: undefined } : { query?: QueryParams<Operation<P, M>> }) &
  (Body<Operation<P, M>> extends undefined ? { body?: undefined } : { body: Body<Operation<P, M>> });

/** An answer: the data of a success, or the problem of a failure. */
export type Result<T> =
  | { ok: true; status: number; data: T; response: Response }
  | { ok: false; status: number; problem: Problem; response: Response };

export interface ClientOptions {
  /** Where the API is, e.g. https://skillbook.example.edu (no trailing slash). */
  baseUrl: string;
  /** The current Firebase ID token, asked before each request (omit for public routes only). */
  token?: () => string | undefined | Promise<string | undefined>;
  /** The fetch to use (default: the global one). */
  fetch?: typeof fetch;
}

/** Skillbook is the API, typed from its OpenAPI document. */
export class Skillbook {
  constructor(private readonly options: ClientOptions) {}

  get<P extends PathsWith<"get">>(path: P, ...opts: OptionalIfEmpty<RequestOptions<P, "get">>): Promise<Result<Data<Operation<P, "get">>>> {
    return this.request("get", path, opts[0] as RawOptions | undefined);
  }

  post<P extends PathsWith<"post">>(path: P, ...opts: OptionalIfEmpty<RequestOptions<P, "post">>): Promise<Result<Data<Operation<P, "post">>>> {
    return this.request("post", path, opts[0] as RawOptions | undefined);
  }

  put<P extends PathsWith<"put">>(path: P, ...opts: OptionalIfEmpty<RequestOptions<P, "put">>): Promise<Result<Data<Operation<P, "put">>>> {
    return this.request("put", path, opts[0] as RawOptions | undefined);
  }

  patch<P extends PathsWith<"patch">>(path: P, ...opts: OptionalIfEmpty<RequestOptions<P, "patch">>): Promise<Result<Data<Operation<P, "patch">>>> {
    return this.request("patch", path, opts[0] as RawOptions | undefined);
  }

  delete<P extends PathsWith<"delete">>(path: P, ...opts: OptionalIfEmpty<RequestOptions<P, "delete">>): Promise<Result<Data<Operation<P, "delete">>>> {
    return this.request("delete", path, opts[0] as RawOptions | undefined);
  }

  private async request<T>(method: Method, path: string, opts?: RawOptions): Promise<Result<T>> {
    let url = this.options.baseUrl + path.replace(/\{([^}]+)\}/g, (_, name: string) => {
      const v = opts?.path?.[name];
      if (v === undefined) throw new Error(`skillbook: ${path} needs the path parameter ${name}`);
      return encodeURIComponent(String(v));
    });
    const query = new URLSearchParams();
    for (const [k, v] of Object.entries(opts?.query ?? {})) {
      if (v !== undefined && v !== null) query.append(k, String(v));
    }
    if (query.size > 0) url += "?" + query.toString();
    const headers: Record<string, string> = { Accept: "application/json, application/problem+json", ...opts?.headers };
    const token = await this.options.token?.();
    if (token) headers.Authorization = `Bearer ${token}`;
    let body: string | undefined;
    if (opts?.body !== undefined) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(opts.body);
    }
    const response = await (this.options.fetch ?? fetch)(url, { method: method.toUpperCase(), headers, body, signal: opts?.signal });
    const type = response.headers.get("Content-Type") ?? "";
    const json = type.includes("json") && response.status !== 204 ? await response.json() : undefined;
    if (response.ok) {
      const data = json ?? (response.status === 204 ? undefined : await response.blob());
      return { ok: true, status: response.status, data: data as T, response };
    }
    const problem: Problem = json ?? { type: "about:blank", title: response.statusText, status: response.status };
    return { ok: false, status: response.status, problem, response };
  }
}

type RawOptions = {
  path?: Record<string, unknown>;
  query?: Record<string, unknown>;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
};

/** Options may be left out when nothing in them is required. */
type OptionalIfEmpty<O> = {} extends O ? [opts?: O] : [opts: O];
